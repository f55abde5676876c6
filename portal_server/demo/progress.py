"""Progress of a long run on standard error: count, share, rate and time left.

On a terminal one line is redrawn about once a second; elsewhere (a log, a pipe) a plain line
is written now and then, so that the log stays readable. The clock is injectable, so tests
move time instead of waiting.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

_BAR_WIDTH = 24


def duration_text(seconds: float) -> str:
    """Return a duration as "4.2 s" under a minute, else m:ss or h:mm:ss."""
    if seconds < 59.95:
        return f"{max(0.0, seconds):.1f} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Reports how far a run of ``total`` items has come."""

    def __init__(
        self,
        total: int,
        label: str,
        *,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        interval: float | None = None,
    ) -> None:
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if interval is not None else (1.0 if self.live else 5.0)
        self.done = 0
        self.started = clock()
        self._shown_at = self.started
        self._width = 0

    def advance(self, count: int) -> None:
        """Count ``count`` more items done, and show the state when it is time to."""
        self.done += count
        now = self.clock()
        if now - self._shown_at >= self.interval:
            self._shown_at = now
            self._show(self._line(now))

    def finish(self) -> float:
        """Show the final count and the time the whole run took; return that time in seconds."""
        elapsed = self.clock() - self.started
        rate = f" ({self.done / elapsed:,.0f}/s)" if elapsed > 0 else ""
        self._show(f"{self.label}: {self.done:,} of {self.total:,} in {duration_text(elapsed)}{rate}")
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
        return elapsed

    def _line(self, now: float) -> str:
        elapsed = now - self.started
        share = self.done / self.total if self.total else 1.0
        filled = round(_BAR_WIDTH * share)
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = duration_text((self.total - self.done) / rate) if rate > 0 else "?"
        return (
            f"{self.label}: {self.done:,} of {self.total:,} [{bar}] {share:4.0%} {rate:,.0f}/s, {left} left"
        )

    def _show(self, line: str) -> None:
        if self.live:
            # Pad over the end of a longer line drawn before.
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
