"""Timeline charts as SVG drawn on the server: axes, period labels and a legend.

One series is drawn as bars, several as lines over one shared scale, so
their heights compare directly.  A chart shows counts or each period's share
of all articles (``measure``).  The same SVG is part of the page, so it reads
without JavaScript, and downloads as a file for papers: it is
self-contained (presentation attributes, no stylesheet).  On pages, bars can
be links (to the search narrowed to their period); a chart without links is
one image for assistive technology, with a data table beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask import render_template

from web.formatting import number, percent
from web.i18n import gettext

WIDTH = 720
LEFT, RIGHT, BOTTOM = 68, 16, 46
LEGEND_ROW = 22
PLOT_HEIGHT = 200
FONT_SIZE = 13
#: Series colours: each has a contrast of 5:1 or more against white, and each
#: line has its own dash pattern and marker, so print in grey still tells them apart.
COLOURS = ("#1f5fa8", "#c2410c", "#2e7d32", "#7b3fa0")
DASHES = ("", "7 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "diamond", "triangle")
INTERVAL_TITLES = {"year": "Jahr", "month": "Monat", "day": "Tag"}


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "2021: 3 Artikel"
    url: str | None = None


@dataclass
class Line:
    label: str
    colour: str
    dash: str
    marker: str
    path: str  # SVG path data
    points: list[tuple[float, float, str]]  # x, y, title


@dataclass
class Chart:
    id: str
    title: str
    description: str
    y_label: str
    height: int
    plot: tuple[float, float, float, float]  # left, top, right, bottom
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    legend: list[tuple[float, float, str, str, str, str]]  # x, y, label, colour, dash, marker
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    width: int = WIDTH
    font_size: int = FONT_SIZE

    @property
    def has_links(self) -> bool:
        return any(bar.url for bar in self.bars)


def timeline_chart(data: dict, measure: str, chart_id: str = "chart",
                   bar_urls: list[str] | None = None, labels: list[str] | None = None,
                   plot_height: int = PLOT_HEIGHT) -> Chart | None:
    """The chart of a timeline (:func:`indexer.research.timeline.timeline`); None
    when there is no dated period to draw.  ``labels`` name the series in the
    legend (by default their queries)."""
    series = data["series"]
    periods = [b.value for b in series[0]["buckets"]]
    if not periods:
        return None
    values = [[_value(b, measure) for b in s["buckets"]] for s in series]
    labels = labels or [series_label(s["q"]) for s in series]
    legend, legend_height = _legend(labels)
    top = legend_height + 8
    plot = (LEFT, top, WIDTH - RIGHT, top + plot_height)
    ceiling, y_ticks = _scale(max(max(v) for v in values), measure)
    band = (plot[2] - plot[0]) / len(periods)

    def y_of(value: float) -> float:
        return round(plot[3] - value / ceiling * plot_height, 1)

    chart = Chart(
        id=chart_id,
        title=_title(data["interval"], measure, periods),
        description="; ".join(f"{label}: {number(s['total'])} {gettext('Artikel')}"
                              for label, s in zip(labels, series)),
        y_label=gettext("Anteil an allen Artikeln") if measure == "share"
        else gettext("Artikel"),
        height=int(plot[3] + BOTTOM),
        plot=plot,
        y_ticks=[(y_of(tick), text) for tick, text in y_ticks],
        x_ticks=_x_ticks(periods, plot[0], band),
        legend=legend,
    )
    if len(series) == 1:
        gap = min(band * 0.2, 6)
        for n, (period, value) in enumerate(zip(periods, values[0])):
            y = y_of(value)
            chart.bars.append(Bar(
                x=round(plot[0] + n * band + gap / 2, 1), y=y,
                width=max(1.0, round(band - gap, 1)), height=round(plot[3] - y, 1),
                label=f"{period}: {_value_text(value, measure)}",
                url=bar_urls[n] if bar_urls else None))
    else:
        for n, (label, row) in enumerate(zip(labels, values)):
            points = [(round(plot[0] + (i + 0.5) * band, 1), y_of(value),
                       f"{label}, {period}: {_value_text(value, measure)}")
                      for i, (period, value) in enumerate(zip(periods, row))]
            chart.lines.append(Line(
                label=label, colour=COLOURS[n], dash=DASHES[n], marker=MARKERS[n],
                path="M" + " L".join(f"{x} {y}" for x, y, _ in points), points=points))
    return chart


def render_svg(chart: Chart, standalone: bool = False) -> str:
    return render_template("chart.svg", chart=chart, standalone=standalone)


def series_label(q: str) -> str:
    return f"„{q}“" if q else gettext("alle Artikel")


def _value(bucket, measure: str) -> float:
    return bucket.share if measure == "share" else bucket.count


def _value_text(value: float, measure: str) -> str:
    if measure == "share":
        return percent(value)
    return f"{number(value)} {gettext('Artikel')}"


def _title(interval: str, measure: str, periods: list[str]) -> str:
    what = gettext("Anteil an allen Artikeln pro") if measure == "share" \
        else gettext("Artikel pro")
    span = periods[0] if len(periods) == 1 else f"{periods[0]} – {periods[-1]}"
    return f"{what} {gettext(INTERVAL_TITLES[interval])}, {span}"


def _scale(peak: float, measure: str) -> tuple[float, list[tuple[float, str]]]:
    """A round top of the value axis above ``peak`` and four or five ticks up to it."""
    if peak <= 0:
        peak = 0.01 if measure == "share" else 1
    raw = peak / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if measure == "count":
        step = max(1, round(step))
    ceiling = math.ceil(peak / step - 1e-9) * step
    decimals = max(0, -math.floor(math.log10(step * 100) + 1e-9)) if measure == "share" else 0
    ticks = []
    for n in range(int(round(ceiling / step)) + 1):
        tick = n * step
        text = percent(tick, decimals) if measure == "share" else number(tick)
        ticks.append((tick, text))
    return ceiling, ticks


def _x_ticks(periods: list[str], left: float, band: float) -> list[tuple[float, str]]:
    """Period labels under the bands, as many as fit without overlapping."""
    label_width = max(len(p) for p in periods) * FONT_SIZE * 0.6 + 10
    every = max(1, math.ceil(label_width / band))
    return [(round(left + (n + 0.5) * band, 1), period)
            for n, period in enumerate(periods) if n % every == 0]


def _legend(labels: list[str]) -> tuple[list, float]:
    """Legend entries (swatch, label) in rows across the top; and their height."""
    entries, x, row = [], LEFT, 0
    for n, label in enumerate(labels):
        width = 34 + len(label) * FONT_SIZE * 0.6 + 18
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, row = LEFT, row + 1
        entries.append((round(x, 1), 14 + row * LEGEND_ROW, label, COLOURS[n], DASHES[n],
                        MARKERS[n]))
        x += width
    return entries, (row + 1) * LEGEND_ROW
