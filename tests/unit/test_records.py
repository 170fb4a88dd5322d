import base64

import orjson
import pytest

from worker.failures import ErrorCode, RecordRejected, Stage
from worker.records import (
    FileOrigin,
    KafkaOrigin,
    Received,
    dead_letter_document,
    dead_letter_headers,
    parse_raw_article,
)

LIMIT = 4 * 1024 * 1024


def rejected_code(value: bytes | None) -> ErrorCode:
    with pytest.raises(RecordRejected) as caught:
        parse_raw_article(value, LIMIT)
    return caught.value.code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, ErrorCode.EMPTY),
        (b"", ErrorCode.EMPTY),
        (b"  \n ", ErrorCode.EMPTY),
        (b'{"url": "https://a.example/\xc3\x28"}', ErrorCode.NOT_UTF8),
        (b"\xff\xfe{}", ErrorCode.NOT_UTF8),
        (b'{"url": ', ErrorCode.NOT_JSON),
        (b"NaN", ErrorCode.NOT_JSON),
        (b"[1, 2]", ErrorCode.NOT_OBJECT),
        (b'"just a string"', ErrorCode.NOT_OBJECT),
        (b"null", ErrorCode.NOT_OBJECT),
        (b'{"text": "words"}', ErrorCode.MISSING_FIELD),
        (b'{"url": null, "text": "words"}', ErrorCode.MISSING_FIELD),
        (b'{"url": "https://a.example/x"}', ErrorCode.MISSING_FIELD),
        (b'{"url": 7, "text": "words"}', ErrorCode.WRONG_TYPE),
        (b'{"url": "https://a.example/x", "html": ["<p>"]}', ErrorCode.WRONG_TYPE),
        (b'{"url": "https://a.example/x", "text": "w", "id": 12}', ErrorCode.WRONG_TYPE),
        (b'{"url": "https://a.example/x", "text": "w", "id": "  "}', ErrorCode.WRONG_TYPE),
        (b'{"url": "https://a.example/x", "text": "w", "headers": []}', ErrorCode.WRONG_TYPE),
        (b'{"url": "ftp://a.example/x", "text": "words"}', ErrorCode.BAD_URL),
        (b'{"url": "/relative/path", "text": "words"}', ErrorCode.BAD_URL),
        (b'{"url": "https:///no-host", "text": "words"}', ErrorCode.BAD_URL),
        # Regression: a port that is no number made the id step raise instead of dead-lettering.
        (b'{"url": "https://a.example2024-12-10T07:00:00Z", "text": "w"}', ErrorCode.BAD_URL),
        (b'{"url": "https://a.example:99999/x", "text": "words"}', ErrorCode.BAD_URL),
        (
            b'{"url": "https://a.example/x", "text": "w", "fetched_at": "yesterday"}',
            ErrorCode.BAD_TIMESTAMP,
        ),
        (b'{"url": "https://a.example/x", "html": " ", "text": ""}', ErrorCode.NO_TEXT),
    ],
)
def test_each_defect_has_its_own_code(value: bytes | None, code: ErrorCode) -> None:
    assert rejected_code(value) == code


def test_a_byte_order_mark_is_allowed_and_invalid_utf8_says_where() -> None:
    """orjson parses the bytes directly; what it refuses is decoded again to say why."""
    article = parse_raw_article(b'\xef\xbb\xbf{"url": "https://a.example/x", "text": "w"}', LIMIT)
    assert (article.url, article.text) == ("https://a.example/x", "w")
    with pytest.raises(RecordRejected) as caught:
        parse_raw_article(b'{"url": "https://a.example/\xc3\x28", "text": "w"}', LIMIT)
    assert caught.value.message == "the value is not UTF-8: invalid continuation byte at byte 27"


def test_size_limit_is_checked_before_decoding() -> None:
    oversized = b"\xff" * 2048
    with pytest.raises(RecordRejected) as caught:
        parse_raw_article(oversized, 1024)
    assert caught.value.code == ErrorCode.TOO_LARGE
    assert "2048" in caught.value.message


def test_valid_record_keeps_its_fields_and_ignores_unknown_ones() -> None:
    raw = parse_raw_article(
        b'\xef\xbb\xbf{"url": "https://a.example/x", "text": "w", "id": "doc-1", '
        b'"fetched_at": "2024-05-03T14:00:00+02:00", "crawler_depth": 3}',
        LIMIT,
    )
    assert raw.id == "doc-1"
    assert raw.text == "w" and raw.html is None
    assert raw.fetched_at is not None and raw.fetched_at.isoformat() == "2024-05-03T12:00:00+00:00"


def test_dead_letter_keeps_exact_bytes_and_coordinates(dead_letter_schema) -> None:
    received = Received(
        value=b"\x00\xffraw",
        key=b"k\x01",
        headers=(("trace", b"\x02"), ("empty", None)),
        origin=KafkaOrigin("articles.raw", 3, 42, 1_700_000_000_000),
    )
    error = RecordRejected(ErrorCode.NOT_UTF8, Stage.DECODE, "bad bytes")
    document = dead_letter_document(received, error)
    dead_letter_schema.validate(orjson.loads(orjson.dumps(document)))
    assert base64.b64decode(document["original"]["value_b64"]) == b"\x00\xffraw"
    assert base64.b64decode(document["original"]["key_b64"]) == b"k\x01"
    assert document["original"]["headers"] == [
        {"key": "trace", "value_b64": "Ag=="},
        {"key": "empty", "value_b64": None},
    ]
    assert document["source"] == {
        "topic": "articles.raw",
        "partition": 3,
        "offset": 42,
        "timestamp": 1_700_000_000_000,
    }
    assert dict(dead_letter_headers(received, error)) == {
        "error.code": b"not_utf8",
        "error.stage": b"decode",
        "pipeline.version": document["pipeline_version"].encode(),
        "source.topic": b"articles.raw",
        "source.partition": b"3",
        "source.offset": b"42",
    }


def test_cut_dead_letter_says_what_the_whole_value_was(dead_letter_schema) -> None:
    value = bytes(range(256)) * 8
    received = Received(value=value, key=None, headers=(), origin=FileOrigin("in.jsonl", 9))
    error = RecordRejected(ErrorCode.TOO_LARGE, Stage.DECODE, "too big")
    document = dead_letter_document(received, error, keep_bytes=100)
    dead_letter_schema.validate(document)
    original = document["original"]
    assert base64.b64decode(original["value_b64"]) == value[:100]
    assert original["truncated"] is True
    assert original["value_length"] == len(value)
    assert document["source"] == {"file": "in.jsonl", "line": 9}
