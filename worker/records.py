"""The three record contracts (raw, enriched, dead letter): decoding, validation and encoding.

`schemas/` holds the same contracts as JSON Schema; the tests validate real output against them.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import SplitResult, urlsplit

import orjson

from worker import PIPELINE_VERSION
from worker.failures import ErrorCode, RecordRejected, Stage

Headers = tuple[tuple[str, bytes | None], ...]
# Set by `article-worker redrive` on each record it re-sends (1 on the first redrive); a redriven
# record that fails again carries it into its new dead letter, so attempts can be counted.
REDRIVE_ATTEMPT_HEADER = "redrive.attempt"


@dataclass(frozen=True, slots=True)
class KafkaOrigin:
    """Where a record was read from on the broker."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int | None


@dataclass(frozen=True, slots=True)
class FileOrigin:
    """Where a record was read from by the offline `enrich` command."""

    path: str
    line: int


Origin = KafkaOrigin | FileOrigin


@dataclass(frozen=True, slots=True)
class Received:
    """A record exactly as it arrived, before anything was decoded."""

    value: bytes | None
    key: bytes | None
    headers: Headers
    origin: Origin | None


@dataclass(frozen=True, slots=True)
class RawArticle:
    """A crawler record that passed validation."""

    url: str
    html: str | None
    text: str | None
    fetched_at: datetime | None
    id: str | None
    site: str | None


def parse_raw_article(value: bytes | None, max_bytes: int) -> RawArticle:
    """Decode and validate a raw record, or raise RecordRejected saying exactly what is wrong."""
    if not value or value.isspace():  # isspace, not strip: no copy of a 200 KB page
        raise RecordRejected(ErrorCode.EMPTY, Stage.DECODE, "the record value is empty")
    if len(value) > max_bytes:
        raise RecordRejected(
            ErrorCode.TOO_LARGE,
            Stage.DECODE,
            f"the record value is {len(value)} bytes, over the limit of {max_bytes}",
        )
    try:
        # orjson validates UTF-8 itself; decoding first is only for saying what is wrong.
        fields = orjson.loads(value)
    except orjson.JSONDecodeError:
        fields = _decode_slowly(value)
    if not isinstance(fields, dict):
        raise RecordRejected(
            ErrorCode.NOT_OBJECT,
            Stage.DECODE,
            f"the value is a JSON {type(fields).__name__}, not an object",
        )
    return _validate(fields)


def _decode_slowly(value: bytes) -> Any:
    """The JSON of a value orjson refused: a byte-order mark is allowed, anything else is
    rejected with the reason (not UTF-8, or not JSON)."""
    try:
        document = value.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RecordRejected(
            ErrorCode.NOT_UTF8,
            Stage.DECODE,
            f"the value is not UTF-8: {error.reason} at byte {error.start}",
        ) from None
    try:
        return orjson.loads(document.removeprefix("\ufeff"))
    except orjson.JSONDecodeError as error:
        raise RecordRejected(
            ErrorCode.NOT_JSON, Stage.DECODE, f"the value is not JSON: {error}"
        ) from None


def _validate(fields: dict[str, Any]) -> RawArticle:
    url = _required_string(fields, "url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or not _valid_port(parts):
        raise RecordRejected(
            ErrorCode.BAD_URL, Stage.VALIDATE, f"url is not an absolute http(s) URL: {url[:200]!r}"
        )
    html = _optional_string(fields, "html")
    text = _optional_string(fields, "text")
    if html is None and text is None:
        raise RecordRejected(
            ErrorCode.MISSING_FIELD, Stage.VALIDATE, "the record has neither 'html' nor 'text'"
        )
    if is_blank(html) and is_blank(text):
        raise RecordRejected(ErrorCode.NO_TEXT, Stage.VALIDATE, "'html' and 'text' are both blank")
    headers = fields.get("headers")
    if headers is not None and not isinstance(headers, dict):
        raise RecordRejected(ErrorCode.WRONG_TYPE, Stage.VALIDATE, "'headers' must be an object")
    record_id = _optional_string(fields, "id")
    if record_id is not None and not record_id.strip():
        raise RecordRejected(ErrorCode.WRONG_TYPE, Stage.VALIDATE, "'id' must not be blank")
    return RawArticle(
        url=url,
        html=html,
        text=text,
        fetched_at=_parse_fetched_at(_optional_string(fields, "fetched_at")),
        id=record_id,
        site=_optional_string(fields, "site"),
    )


def _valid_port(parts: SplitResult) -> bool:
    """urlsplit accepts "host:07:00Z"; reading its port raises, so the id could not be made."""
    try:
        parts.port  # noqa: B018 - the property validates
    except ValueError:
        return False
    return True


def is_blank(value: str | None) -> bool:
    """Empty or whitespace only; unlike `not value.strip()`, copies nothing of a long page."""
    return not value or value.isspace()


def _required_string(fields: dict[str, Any], name: str) -> str:
    if fields.get(name) is None:
        raise RecordRejected(ErrorCode.MISSING_FIELD, Stage.VALIDATE, f"the record has no {name!r}")
    value = _optional_string(fields, name)
    assert value is not None
    return value


def _optional_string(fields: dict[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None or isinstance(value, str):
        return value
    raise RecordRejected(
        ErrorCode.WRONG_TYPE,
        Stage.VALIDATE,
        f"{name!r} must be a string, not a JSON {type(value).__name__}",
    )


def _parse_fetched_at(value: str | None) -> datetime | None:
    """RFC 3339 (or any ISO 8601 form Python reads); a timestamp without a zone counts as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise RecordRejected(
            ErrorCode.BAD_TIMESTAMP,
            Stage.VALIDATE,
            f"'fetched_at' is not an RFC 3339 timestamp: {value[:64]!r}",
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def origin_fields(origin: Origin | None) -> dict[str, Any] | None:
    match origin:
        case KafkaOrigin(topic, partition, offset, timestamp_ms):
            return {
                "topic": topic,
                "partition": partition,
                "offset": offset,
                "timestamp": timestamp_ms,
            }
        case FileOrigin(path, line):
            return {"file": path, "line": line}
    return None


def encode(document: dict[str, Any]) -> bytes:
    """orjson keeps insertion order, so equal records encode to identical bytes."""
    return orjson.dumps(document)


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def dead_letter_document(
    received: Received, error: RecordRejected, keep_bytes: int | None = None
) -> dict[str, Any]:
    """The dead letter for a rejected record.

    The original value is kept byte-exact unless `keep_bytes` asks to cut it (a value the output
    broker would refuse); its length and sha256 always say what the whole value was.
    """
    value = received.value or b""
    kept = value if keep_bytes is None else value[:keep_bytes]
    return {
        "error": {"code": str(error.code), "stage": str(error.stage), "message": error.message},
        "original": {
            "value_b64": _b64(kept if received.value is not None else None),
            "key_b64": _b64(received.key),
            "headers": [{"key": name, "value_b64": _b64(data)} for name, data in received.headers],
            "value_length": len(value),
            "value_sha256": hashlib.sha256(value).hexdigest(),
            "truncated": len(kept) < len(value),
        },
        "source": origin_fields(received.origin),
        "pipeline_version": PIPELINE_VERSION,
    }


def dead_letter_headers(received: Received, error: RecordRejected) -> Headers:
    """Kafka headers so operators can filter dead letters without decoding them."""
    headers = [
        ("error.code", str(error.code).encode()),
        ("error.stage", str(error.stage).encode()),
        ("pipeline.version", PIPELINE_VERSION.encode()),
    ]
    match received.origin:
        case KafkaOrigin(topic, partition, offset, _):
            headers += [
                ("source.topic", topic.encode()),
                ("source.partition", str(partition).encode()),
                ("source.offset", str(offset).encode()),
            ]
    headers += [(name, value) for name, value in received.headers if name == REDRIVE_ATTEMPT_HEADER]
    return tuple(headers)
