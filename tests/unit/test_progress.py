"""The progress display of batch jobs: what a person sees on a terminal and what a log gets."""

import io
import logging

from worker.progress import Progress, format_duration, format_progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_durations_read_like_a_clock() -> None:
    assert format_duration(None) == "--:--"
    assert format_duration(7.4) == "0:07"
    assert format_duration(125) == "2:05"
    assert format_duration(3 * 3600 + 61) == "3:01:01"


def test_a_known_total_shows_a_bar_rate_and_time_left() -> None:
    line = format_progress(done=500, total=2000, elapsed_s=10.0)
    assert line == f"[{'#' * 8}{'-' * 22}]   500/2,000  25% 50 rec/s ETA 0:30"


def test_finished_and_unknown_totals() -> None:
    assert format_progress(2000, 2000, 4.0).endswith("100% 500 rec/s ETA 0:00")
    assert format_progress(0, 0, 0.0).startswith(f"[{'#' * 30}]")
    assert format_progress(0, 10, 0.0).endswith("0 rec/s ETA --:--")
    assert format_progress(1234, None, 2.0) == "1,234 records, 617 rec/s, 0:02 elapsed"


def test_a_terminal_gets_one_line_redrawn_in_place() -> None:
    clock, screen = Clock(), io.StringIO()
    with Progress("replay", 10, stream=screen, interactive=True, clock=clock) as shown:
        shown.advance()
        assert screen.getvalue() == "", "no redraw before the interval"
        clock.now += 1.0
        shown.advance(4)
    drawn = screen.getvalue()
    assert drawn.count("\r") == 2 and drawn.endswith("\n")
    assert "5/10" in drawn.split("\r")[1] and "5/10" in drawn.split("\r")[2]


def test_a_log_gets_plain_lines_every_few_seconds(caplog) -> None:
    clock, screen = Clock(), io.StringIO()
    with (
        caplog.at_level(logging.INFO, logger="worker.progress"),
        Progress("redrive", 100, stream=screen, interactive=False, clock=clock) as shown,
    ):
        clock.now += 1.0
        shown.advance(10)
        clock.now += 10.0
        shown.advance(10)
    assert screen.getvalue() == ""
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and all(line.startswith("redrive: [") for line in lines)
    assert "20/100" in lines[0] and "\r" not in lines[0]
