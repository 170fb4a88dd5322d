"""Progress of a long batch job (replay, redrive, offline enrich).

A person at a terminal gets a bar redrawn in place on stderr; a job run by a scheduler or piped
into a log collector gets a plain log line now and then instead, because carriage returns make
unreadable logs.
"""

import logging
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

log = logging.getLogger(__name__)

# Five redraws a second look smooth and cost nothing next to records that take milliseconds each.
REDRAW_INTERVAL_S = 0.2
# One line every ten seconds keeps an hour-long replay's log readable (~360 lines).
LOG_INTERVAL_S = 10.0
BAR_WIDTH = 30


def format_duration(seconds: float | None) -> str:
    """`M:SS` or `H:MM:SS`; `--:--` while there is no rate to estimate from."""
    if seconds is None:
        return "--:--"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_progress(done: int, total: int | None, elapsed_s: float) -> str:
    """Records done, rate and, when the total is known, a bar and the time left."""
    rate = done / elapsed_s if elapsed_s > 0 else 0.0
    if total is None:
        return f"{done:,} records, {rate:,.0f} rec/s, {format_duration(elapsed_s)} elapsed"
    fraction = min(done / total, 1.0) if total > 0 else 1.0
    filled = round(BAR_WIDTH * fraction)
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    left = (total - done) / rate if rate > 0 else None
    width = len(f"{total:,}")  # a fixed width keeps the redrawn line from jittering
    return (
        f"[{bar}] {done:>{width},}/{total:,} {fraction:4.0%} {rate:,.0f} rec/s "
        f"ETA {format_duration(left if done < total else 0)}"
    )


class Progress:
    """Counts records and shows the count at most every so often; use as a context manager."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        stream: TextIO | None = None,
        interactive: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self._stream = stream or sys.stderr
        self.interactive = self._stream.isatty() if interactive is None else interactive
        self._clock = clock
        self._started = clock()
        self._shown = self._started

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = self._clock()
        if now - self._shown >= (REDRAW_INTERVAL_S if self.interactive else LOG_INTERVAL_S):
            self._show(now)

    def finish(self) -> None:
        self._show(self._clock())
        if self.interactive:
            self._stream.write("\n")
            self._stream.flush()

    def _show(self, now: float) -> None:
        self._shown = now
        line = format_progress(self.done, self.total, now - self._started)
        if self.interactive:
            # The trailing spaces wipe what a longer previous line left behind.
            self._stream.write(f"\r{self.label} {line}   ")
            self._stream.flush()
        else:
            log.info("%s: %s", self.label, line)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.finish()
