"""Row 5 of the throughput benchmark (the user loop) needs the `bench` extra. A run without it
lost the row and the 10x ratio without a word (BENCHMARKS.md, run 10); now it says why."""

import bench.throughput
from bench.records import BenchRecord
from bench.throughput import user_loop_row
from bench.throughput_offline import OfflineRun

RECORDS = [BenchRecord(b"k", b'{"url": "https://example.org/", "text": "x"}', "text")]


def test_without_the_bench_extra_row_5_is_skipped_with_the_fix(monkeypatch, capsys) -> None:
    monkeypatch.setattr(bench.throughput, "user_loop_available", lambda: False)
    assert user_loop_row(RECORDS) is None
    said = capsys.readouterr().out
    assert "row 5 (the user loop) skipped" in said
    assert "pip install -e '.[bench]'" in said


def test_with_the_bench_extra_row_5_is_measured(monkeypatch) -> None:
    monkeypatch.setattr(bench.throughput, "user_loop_available", lambda: True)
    measured = OfflineRun(records=1, seconds=0.5, input_bytes=1_000_000, stage_seconds={})
    monkeypatch.setattr(bench.throughput, "run_user_loop", lambda records: measured)
    row = user_loop_row(RECORDS)
    assert row is not None
    assert row.label.startswith("5. user loop")
    assert row.rate == 2.0
