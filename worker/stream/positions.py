"""Where a batch job (replay, redrive, offset reset) starts and stops in a topic.

Two broker answers cannot be taken at face value on the embedded broker (Tansu): `end_offsets`
is wrong, so the end of a partition is the high-water mark a fetch reports; and
`offsets_for_times` answers offset 0 (with timestamp -1) for a time past the last record, where
Kafka answers None. Both mean "nothing at or after this time", so both resolve to the end:
replaying from a time in the future replays nothing, never everything.
"""

import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

# The first fetch of an idle partition answers within the broker's fetch wait (500 ms default);
# twenty seconds leaves a loaded machine room before we call the broker unreachable.
HIGH_WATER_TIMEOUT_S = 20.0
# Records per fetch: enough to keep a job busy, few enough that progress moves smoothly.
FETCH_RECORDS = 500
FETCH_WAIT_MS = 1000
# A probe fetch only needs the high-water mark, not the records: the broker still sends one.
PROBE_FETCH_BYTES = 1024


class RangeError(ValueError):
    """A start or stop position the user gave that cannot be used; the text says why."""


@dataclass(frozen=True, slots=True)
class Beginning:
    pass


@dataclass(frozen=True, slots=True)
class End:
    pass


@dataclass(frozen=True, slots=True)
class AtTime:
    timestamp_ms: int


@dataclass(frozen=True, slots=True)
class AtOffsets:
    """Per-partition offsets; partitions not named are left out (start) or read to the end."""

    offsets: dict[int, int]


Start = Beginning | AtTime | AtOffsets
Stop = End | AtTime | AtOffsets
# Keyword arguments for aiokafka clients: bootstrap servers and security, from
# `worker.stream.credentials.client_options`.
ClientOptions = dict[str, Any]


def parse_timestamp(text: str) -> int:
    """Milliseconds since the epoch, from ISO 8601 (no zone means UTC) or a plain integer in ms."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RangeError(
            f"{text!r} is neither an ISO 8601 time (2026-11-24T18:00:00Z) nor milliseconds "
            "since the epoch"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def parse_partition_offsets(text: str) -> dict[int, int]:
    """`P:O,P:O` as kafka-consumer-groups writes it, e.g. `0:1200,1:1180`."""
    offsets: dict[int, int] = {}
    for item in text.split(","):
        partition, sep, offset = item.strip().partition(":")
        if not sep or not partition.isdigit() or not offset.isdigit():
            raise RangeError(f"{item.strip()!r} is not PARTITION:OFFSET (e.g. 0:1200)")
        if int(partition) in offsets:
            raise RangeError(f"partition {partition} is given twice")
        offsets[int(partition)] = int(offset)
    return offsets


@dataclass(frozen=True, slots=True)
class PartitionRange:
    """Offsets [start, stop) of one partition; `stop` never passes the end captured at start."""

    partition: int
    start: int
    stop: int

    @property
    def size(self) -> int:
        return max(self.stop - self.start, 0)


def plan_ranges(
    low: dict[int, int],
    high: dict[int, int],
    starts: dict[int, int | None],
    stops: dict[int, int | None],
) -> list[PartitionRange]:
    """Clamp resolved positions to what the partitions hold; None start = partition not wanted."""
    ranges = []
    for partition in sorted(high):
        start = starts.get(partition)
        if start is None:
            continue
        start = min(max(start, low[partition]), high[partition])
        stop = stops.get(partition)
        stop = high[partition] if stop is None else min(max(stop, start), high[partition])
        ranges.append(PartitionRange(partition, start, stop))
    return ranges


def consumer_for(
    client: ClientOptions, group: str | None = None, fetch_bytes: int = 32 << 20
) -> AIOKafkaConsumer:
    """A consumer for manually assigned partitions: no group join, so no rebalance anywhere."""
    return AIOKafkaConsumer(
        **client,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=fetch_bytes,
        fetch_max_bytes=max(fetch_bytes, 64 << 20),
    )


async def topic_partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    # partitions_for_topic reads cached metadata; asking for the topic list refreshes it.
    partitions = consumer.partitions_for_topic(topic) if topic in await consumer.topics() else None
    if not partitions:
        raise RangeError(f"topic {topic!r} does not exist on the broker")
    return [TopicPartition(topic, p) for p in sorted(partitions)]


async def high_water_marks(
    client: ClientOptions, topic: str
) -> tuple[dict[int, int], dict[int, int]]:
    """(low, high) offsets per partition, the high one from a real fetch (see module docstring)."""
    consumer = consumer_for(client, fetch_bytes=PROBE_FETCH_BYTES)
    await consumer.start()
    try:
        partitions = await topic_partitions(consumer, topic)
        consumer.assign(partitions)
        low = {tp.partition: o for tp, o in (await consumer.beginning_offsets(partitions)).items()}
        for tp in partitions:
            consumer.seek(tp, low[tp.partition])
        deadline = time.monotonic() + HIGH_WATER_TIMEOUT_S
        while any(consumer.highwater(tp) is None for tp in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no fetch answer from {topic!r} in {HIGH_WATER_TIMEOUT_S}s")
            await consumer.getmany(timeout_ms=200)
        return low, {tp.partition: consumer.highwater(tp) for tp in partitions}
    finally:
        await consumer.stop()


async def offsets_at_time(
    consumer: AIOKafkaConsumer, partitions: Iterable[TopicPartition], timestamp_ms: int
) -> dict[int, int | None]:
    """The first offset at or after the time per partition; None = none (past the last record)."""
    found = await consumer.offsets_for_times({tp: timestamp_ms for tp in partitions})
    return {
        tp.partition: None if answer is None or answer.timestamp < 0 else answer.offset
        for tp, answer in found.items()
    }


async def resolve(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    low: dict[int, int],
    high: dict[int, int],
    start: Start,
    stop: Stop,
) -> list[PartitionRange]:
    """Turn a start and a stop into per-partition ranges against the ends captured now."""
    named = {tp.partition for tp in partitions}
    for position in (start, stop):
        if isinstance(position, AtOffsets) and not set(position.offsets) <= named:
            unknown = sorted(set(position.offsets) - named)
            raise RangeError(f"the topic has no partition {', '.join(map(str, unknown))}")
    match start:
        case Beginning():
            starts: dict[int, int | None] = dict(low)
        case AtTime(timestamp_ms):
            at = await offsets_at_time(consumer, partitions, timestamp_ms)
            starts = {p: high[p] if offset is None else offset for p, offset in at.items()}
        case AtOffsets(offsets):
            starts = dict(offsets)
    match stop:
        case End():
            stops: dict[int, int | None] = {}
        case AtTime(timestamp_ms):
            stops = await offsets_at_time(consumer, partitions, timestamp_ms)
        case AtOffsets(offsets):
            stops = dict(offsets)
    return plan_ranges(low, high, starts, stops)


async def read_ranges(
    consumer: AIOKafkaConsumer, topic: str, ranges: list[PartitionRange]
) -> AsyncIterator[ConsumerRecord[bytes, bytes]]:
    """The records of each range, one partition after another in partition order: the same
    range always comes out in the same order."""
    for span in ranges:
        if span.size == 0:
            continue
        tp = TopicPartition(topic, span.partition)
        consumer.assign([tp])
        consumer.seek(tp, span.start)
        # Offsets can have gaps (compaction, transaction markers): the consumer's position, not
        # the last record seen, says how far the partition has been read.
        while await consumer.position(tp) < span.stop:
            batch = await consumer.getmany(tp, timeout_ms=FETCH_WAIT_MS, max_records=FETCH_RECORDS)
            for record in batch.get(tp, []):
                if record.offset >= span.stop:
                    break
                yield record
