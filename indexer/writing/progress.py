"""Progress reporting for long index builds.

On a terminal a single line is redrawn with a bar, documents per second and
the estimated time left; in a log (CI, cron) one line is written per tenth of
the work, so logs stay short and readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """Tracks work done out of an estimated total (in bytes of input)."""

    def __init__(self, total: int, stream: TextIO | None = None, label: str = "indexing",
                 interactive: bool | None = None) -> None:
        self.total = max(1, total)
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.started = time.monotonic()
        self.done = 0
        self.docs = 0
        self._next_tenth = 1
        self._last_draw = 0.0

    def advance(self, done: int, docs: int) -> None:
        """Record that ``done`` bytes and ``docs`` documents are processed."""
        self.done = min(done, self.total)
        self.docs = docs
        fraction = self.done / self.total
        if self.interactive:
            now = time.monotonic()
            if now - self._last_draw >= 0.2:
                self._last_draw = now
                self.stream.write("\r" + self._line(fraction, bar=True))
                self.stream.flush()
        else:
            while fraction * 10 >= self._next_tenth and self._next_tenth <= 10:
                self.stream.write(self._line(self._next_tenth / 10, bar=False) + "\n")
                self.stream.flush()
                self._next_tenth += 1

    def finish(self) -> None:
        if self.interactive:
            self.stream.write("\r" + self._line(1.0, bar=True) + "\n")
            self.stream.flush()

    def _line(self, fraction: float, bar: bool) -> str:
        elapsed = time.monotonic() - self.started
        rate = self.docs / elapsed if elapsed > 0 else 0.0
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else 0.0
        text = (f"{self.label}: {fraction:4.0%} {self.docs:,} docs, {rate:,.0f} docs/s, "
                f"elapsed {_clock(elapsed)}, ETA {_clock(eta)}")
        if bar:
            filled = int(fraction * 30)
            text = f"[{'#' * filled}{'.' * (30 - filled)}] " + text
        return text
