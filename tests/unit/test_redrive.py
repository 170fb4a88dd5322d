"""What redrive sends back for a dead letter: the original bytes exactly, one attempt more."""

from collections import Counter

import pytest

from worker.failures import ErrorCode, RecordRejected, Stage
from worker.pipeline import dead_letter, process
from worker.records import KafkaOrigin, Received
from worker.stream.redrive import NotRedrivable, RedriveSummary, Skipped, resend_of

ORIGIN = KafkaOrigin("articles.raw", 1, 42, 1_700_000_000_000)
REJECTED = RecordRejected(ErrorCode.TOO_LARGE, Stage.DECODE, "too large")


def letter_for(value: bytes | None, key: bytes | None, headers=()) -> bytes:
    return dead_letter(Received(value, key, tuple(headers), ORIGIN), REJECTED).value


def test_the_original_key_value_and_headers_come_back_byte_exact() -> None:
    value = b'{"url": "https://example.org/\xff", "text": "x"}\r\n'
    headers = [("crawler", b"\x00\x01"), ("empty", None)]
    resend = resend_of(letter_for(value, b"k\xfe", headers))
    assert (resend.key, resend.value, resend.code, resend.attempt) == (
        b"k\xfe",
        value,
        "too_large",
        1,
    )
    assert resend.headers == (*headers, ("redrive.attempt", b"1"))


def test_a_tombstone_stays_a_tombstone() -> None:
    resend = resend_of(letter_for(None, b"gone"))
    assert resend.value is None and resend.key == b"gone"


def test_a_redriven_record_that_fails_again_counts_its_attempts() -> None:
    first = resend_of(letter_for(b'{"url": 1}', b"k"))
    again = process(Received(first.value, first.key, first.headers, ORIGIN))
    assert ("redrive.attempt", b"1") in again.headers, "the new dead letter says it was redriven"
    second = resend_of(again.value)
    assert second.attempt == 2 and second.value == b'{"url": 1}'
    assert [name for name, _ in second.headers].count("redrive.attempt") == 1
    with pytest.raises(NotRedrivable) as refused:
        resend_of(again.value, max_attempts=1)
    assert refused.value.reason is Skipped.MAX_ATTEMPTS


def test_a_cut_original_or_a_foreign_record_is_not_redriven() -> None:
    received = Received(b"x" * 2000, None, (), ORIGIN)
    cut = dead_letter(received, REJECTED, keep_bytes=100).value
    for letter, reason in [
        (cut, Skipped.TRUNCATED),
        (b"not json", Skipped.UNREADABLE),
        (b'{"error": {"code": "x"}}', Skipped.UNREADABLE),
        (None, Skipped.UNREADABLE),
    ]:
        with pytest.raises(NotRedrivable) as refused:
            resend_of(letter)
        assert refused.value.reason is reason


def test_the_summary_is_a_table_by_code() -> None:
    summary = RedriveSummary(dry_run=True)
    summary.matched.update({"too_large": 3, "not_json": 1})
    summary.sent.update({"too_large": 2})
    summary.skipped["too_large"] = Counter({Skipped.TRUNCATED: 1})
    lines = summary.table().splitlines()
    assert lines[0].split() == [
        "code",
        "matched",
        "would",
        "send",
        "skip",
        "truncated",
        "skip",
        "max_attempts",
        "skip",
        "unreadable",
    ]
    assert lines[2].split() == ["not_json", "1", "0", "0", "0", "0"]
    assert lines[3].split() == ["too_large", "3", "2", "1", "0", "0"]
    assert lines[4].split() == ["total", "4", "2", "1", "0", "0"]
