"""Template filters: dates, numbers and shares the way the reader's language writes them."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from web.i18n import MONTHS_EN, current_language

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")


def long_date(value: str | None, with_time: bool = False) -> str:
    """'2024-11-01T15:53:00+01:00' → '1. November 2024' (', 15:53 Uhr');
    in the English interface '1 November 2024, 15:53'."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    english = current_language() == "en"
    months = MONTHS_EN if english else MONTHS
    text = f"{moment.day}{'' if english else '.'} {months[moment.month - 1]} {moment.year}"
    if with_time and (moment.hour or moment.minute):
        text += f", {moment:%H:%M}" + ("" if english else " Uhr")
    return text


def short_date(value: str | None) -> str:
    """'2024-11-01T15:53:00+01:00' → '01.11.2024' (German) or '2024-11-01' (English)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{moment:%Y-%m-%d}" if current_language() == "en" else f"{moment:%d.%m.%Y}"


def number(value: int | float, decimals: int = 0) -> str:
    """1234567 → '1.234.567' (German) or '1,234,567' (English)."""
    text = f"{value:,.{decimals}f}"
    if current_language() == "en":
        return text
    return text.translate(str.maketrans(",.", ".,"))


def percent(share: float, decimals: int = 1) -> str:
    """0.75 → '75,0 %' (German) or '75.0%' (English)."""
    text = number(share * 100, decimals)
    return f"{text}%" if current_language() == "en" else f"{text} %"


def month_label(value: str) -> str:
    """'2024-11' → 'November 2024' (English month names in English)."""
    try:
        year, month = value.split("-")
        months = MONTHS_EN if current_language() == "en" else MONTHS
        return f"{months[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return value


def register(app: Flask) -> None:
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(number, "number")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(month_label, "month_label")
