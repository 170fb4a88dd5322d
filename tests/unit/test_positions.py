"""Parsing where a replay starts and stops, and clamping it to what the partitions hold."""

import pytest

from worker.settings import SettingsError, load_settings
from worker.stream.batch import format_table
from worker.stream.positions import (
    PartitionRange,
    RangeError,
    parse_partition_offsets,
    parse_timestamp,
    plan_ranges,
)


def test_timestamps_are_iso_8601_or_epoch_milliseconds() -> None:
    assert parse_timestamp("2026-11-24T18:00:00Z") == 1795543200000
    assert parse_timestamp("2026-11-24T19:00:00+01:00") == 1795543200000
    assert parse_timestamp("2026-11-24T18:00:00") == 1795543200000, "no zone means UTC"
    assert parse_timestamp(" 1795543200000 ") == 1795543200000
    with pytest.raises(RangeError, match="neither an ISO 8601"):
        parse_timestamp("yesterday")


def test_partition_offsets_are_written_like_kafka_consumer_groups() -> None:
    assert parse_partition_offsets("0:1200, 1:1180") == {0: 1200, 1: 1180}
    for bad in ("0=12", "0:", "a:1", "0:-1", "0:1,0:2"):
        with pytest.raises(RangeError):
            parse_partition_offsets(bad)


def test_ranges_are_clamped_to_the_partitions() -> None:
    low, high = {0: 0, 1: 5, 2: 0}, {0: 10, 1: 20, 2: 0}
    ranges = plan_ranges(low, high, starts={0: 3, 1: 0, 2: 0}, stops={0: 99, 1: 8})
    assert ranges == [PartitionRange(0, 3, 10), PartitionRange(1, 5, 8), PartitionRange(2, 0, 0)]
    assert [r.size for r in ranges] == [7, 3, 0]


def test_a_partition_without_a_start_is_left_out_and_a_stop_before_the_start_is_empty() -> None:
    ranges = plan_ranges({0: 0, 1: 0}, {0: 10, 1: 10}, starts={1: 6}, stops={1: 2})
    assert ranges == [PartitionRange(1, 6, 6)]
    assert ranges[0].size == 0


def test_a_start_past_the_end_replays_nothing() -> None:
    assert plan_ranges({0: 0}, {0: 10}, starts={0: 50}, stops={}) == [PartitionRange(0, 10, 10)]


def test_summary_tables_align_numbers_right() -> None:
    table = format_table(["code", "sent"], [["too_large", 1200], ["not_json", 3]])
    assert table.splitlines() == [
        "code        sent",
        "---------  -----",
        "too_large  1,200",
        "not_json       3",
    ]


def test_boolean_settings_read_the_words_people_write() -> None:
    assert (
        load_settings(environ={"ARTICLE_WORKER_ROUTE_BY_LANGUAGE": "false"}).route_by_language
        is False
    )
    assert (
        load_settings(environ={"ARTICLE_WORKER_ROUTE_BY_LANGUAGE": "yes"}).route_by_language is True
    )
    with pytest.raises(SettingsError, match="not one of"):
        load_settings(environ={"ARTICLE_WORKER_ROUTE_BY_LANGUAGE": "maybe"})
