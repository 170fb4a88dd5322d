"""`article-worker redrive`: send dead-lettered records back to the raw topic after a fix.

Each dead letter keeps the original key, value and headers byte-exact; redrive re-sends exactly
those, adding one header, `redrive.attempt`, so a record that fails again comes back as a new
dead letter that says how many times it was tried. Redrive is stateless: the dead-letter topic
is append-only, so a second run over the same range sends the same records again (the enriched
topic is keyed by article id, so a search index only sees an update); `--since` bounds a run.
"""

import asyncio
import base64
import binascii
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson

from worker.progress import Progress
from worker.records import REDRIVE_ATTEMPT_HEADER, Headers
from worker.stream.batch import batch_producer, format_table
from worker.stream.positions import (
    ClientOptions,
    Start,
    Stop,
    consumer_for,
    high_water_marks,
    read_ranges,
    resolve,
    topic_partitions,
)

# A record that keeps failing after three fixes needs a person, not a fourth automatic try.
DEFAULT_MAX_ATTEMPTS = 3
UNREADABLE = "unreadable"
# Sends awaited together: one acknowledgement wait per batch instead of per record, bounded so
# memory stays flat on a large dead-letter topic.
IN_FLIGHT = 1000


class Skipped(StrEnum):
    """Why a dead letter that matched the filter was not re-sent."""

    TRUNCATED = "truncated"  # only the first bytes of the original were kept: not byte-exact
    MAX_ATTEMPTS = "max_attempts"  # it has already been redriven the allowed number of times
    UNREADABLE = "unreadable"  # not a dead letter this worker wrote (not JSON, fields missing)


class NotRedrivable(Exception):
    def __init__(self, reason: Skipped) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Resend:
    code: str
    key: bytes | None
    value: bytes | None
    headers: Headers
    attempt: int


def _decode(data: str | None) -> bytes | None:
    return None if data is None else base64.b64decode(data, validate=True)


def resend_of(letter: bytes | None, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Resend:
    """The record to send back for one dead letter, or NotRedrivable saying why not."""
    try:
        document: dict[str, Any] = orjson.loads(letter or b"")
        code = str(document["error"]["code"])
        original = document["original"]
        key, value = _decode(original["key_b64"]), _decode(original["value_b64"])
        headers = [(h["key"], _decode(h["value_b64"])) for h in original["headers"]]
        truncated = bool(original["truncated"])
    except (orjson.JSONDecodeError, KeyError, TypeError, binascii.Error):
        raise NotRedrivable(Skipped.UNREADABLE) from None
    if truncated:
        raise NotRedrivable(Skipped.TRUNCATED)
    previous = [v for name, v in headers if name == REDRIVE_ATTEMPT_HEADER]
    try:
        attempt = int(previous[-1] or b"0") + 1 if previous else 1
    except ValueError:
        raise NotRedrivable(Skipped.UNREADABLE) from None
    if attempt > max_attempts:
        raise NotRedrivable(Skipped.MAX_ATTEMPTS)
    kept = tuple((name, v) for name, v in headers if name != REDRIVE_ATTEMPT_HEADER)
    return Resend(
        code, key, value, (*kept, (REDRIVE_ATTEMPT_HEADER, str(attempt).encode())), attempt
    )


def _code_of(letter: bytes | None, headers: Headers) -> str:
    """The error code from the Kafka header, without decoding the value when it is there."""
    for name, value in headers:
        if name == "error.code" and value is not None:
            return value.decode("utf-8", "replace")
    try:
        return str(orjson.loads(letter or b"")["error"]["code"])
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return UNREADABLE


@dataclass(frozen=True, slots=True)
class RedriveJob:
    dead_letter_topic: str
    raw_topic: str
    codes: frozenset[str]  # empty: every code
    start: Start
    stop: Stop
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    dry_run: bool = False


@dataclass(slots=True)
class RedriveSummary:
    dry_run: bool
    read: int = 0
    matched: Counter[str] = field(default_factory=Counter)
    sent: Counter[str] = field(default_factory=Counter)
    skipped: dict[str, Counter[Skipped]] = field(default_factory=dict)

    def table(self) -> str:
        reasons = list(Skipped)
        rows: list[list[object]] = [
            [
                code,
                self.matched[code],
                self.sent[code],
                *(self.skipped.get(code, Counter())[r] for r in reasons),
            ]
            for code in sorted(self.matched)
        ]
        rows.append(
            [
                "total",
                sum(self.matched.values()),
                sum(self.sent.values()),
                *(sum(c[r] for c in self.skipped.values()) for r in reasons),
            ]
        )
        sent = "would send" if self.dry_run else "sent"
        return format_table(["code", "matched", sent, *(f"skip {r}" for r in reasons)], rows)


def describe(resend: Resend, where: str, target: str) -> str:
    """One line of a dry run: enough to decide whether to run it for real."""
    key = resend.key.decode("utf-8", "replace") if resend.key is not None else None
    size = len(resend.value) if resend.value is not None else 0
    return (
        f"{where} {resend.code}: key={key!r} {size:,} bytes, attempt {resend.attempt} -> {target}"
    )


async def redrive(
    client: ClientOptions,
    job: RedriveJob,
    max_record_bytes: int,
    report: Callable[[str], None] = print,
    progress: Callable[[int], Progress] = lambda total: Progress("redrive", total),
) -> RedriveSummary:
    """Re-send the matching dead letters (or, in a dry run, `report` what would be sent)."""
    low, high = await high_water_marks(client, job.dead_letter_topic)
    consumer = consumer_for(client, fetch_bytes=max_record_bytes * 2)
    producer = None if job.dry_run else batch_producer(client, max_record_bytes)
    await consumer.start()
    if producer is not None:
        await producer.start()
    summary = RedriveSummary(job.dry_run)
    in_flight: list[asyncio.Future[Any]] = []
    try:
        partitions = await topic_partitions(consumer, job.dead_letter_topic)
        ranges = await resolve(consumer, partitions, low, high, job.start, job.stop)
        with progress(sum(r.size for r in ranges)) as shown:
            async for record in read_ranges(consumer, job.dead_letter_topic, ranges):
                summary.read += 1
                shown.advance()
                code = _code_of(record.value, tuple(record.headers))
                if job.codes and code not in job.codes:
                    continue
                summary.matched[code] += 1
                try:
                    resend = resend_of(record.value, job.max_attempts)
                except NotRedrivable as refused:
                    summary.skipped.setdefault(code, Counter())[refused.reason] += 1
                    continue
                if producer is None:
                    where = f"{record.topic}[{record.partition}]@{record.offset}"
                    report(describe(resend, where, job.raw_topic))
                else:
                    sent = await producer.send(
                        job.raw_topic, resend.value, key=resend.key, headers=list(resend.headers)
                    )
                    in_flight.append(sent)
                    if len(in_flight) >= IN_FLIGHT:
                        await asyncio.gather(*in_flight)
                        in_flight.clear()
                summary.sent[code] += 1
            await asyncio.gather(*in_flight)
        return summary
    finally:
        if producer is not None:
            await producer.stop()
        await consumer.stop()
