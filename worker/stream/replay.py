"""`article-worker replay`: run a range of the raw topic through the current pipeline again.

A batch job on plain aiokafka, calling the same core (`process`, in the same budgeted child
process) and `deliver` as the live worker so the two cannot drift. It reads partitions one after
another, in order, each from its start to the end captured when the job began; with one
producer and at most one record in flight, replaying the same range twice writes the same keys
and values in the same order. Partitions are assigned by hand
under the job's own group, so the live worker's group never rebalances; the group only records
how far the replay got.
"""

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from aiokafka.structs import OffsetAndMetadata

from worker.pipeline import DeadLetter, Outcome, PipelineOptions
from worker.progress import Progress
from worker.records import KafkaOrigin, Received
from worker.stream.batch import batch_producer, ensure_topics, format_table, sender
from worker.stream.budget import BudgetedCore
from worker.stream.positions import (
    FETCH_RECORDS,
    ClientOptions,
    PartitionRange,
    Start,
    Stop,
    consumer_for,
    high_water_marks,
    read_ranges,
    resolve,
    topic_partitions,
)
from worker.stream.publish import OutputTopics, deliver


@dataclass(frozen=True, slots=True)
class ReplayJob:
    source_topic: str
    outputs: OutputTopics
    group: str
    start: Start
    stop: Stop


@dataclass(slots=True)
class PartitionTally:
    range: PartitionRange
    enriched: int = 0
    dead_lettered: int = 0

    @property
    def read(self) -> int:
        return self.enriched + self.dead_lettered

    def count(self, outcome: Outcome) -> None:
        if isinstance(outcome, DeadLetter):
            self.dead_lettered += 1
        else:
            self.enriched += 1


@dataclass(slots=True)
class ReplaySummary:
    partitions: list[PartitionTally] = field(default_factory=list)

    @property
    def read(self) -> int:
        return sum(t.read for t in self.partitions)

    @property
    def enriched(self) -> int:
        return sum(t.enriched for t in self.partitions)

    @property
    def dead_lettered(self) -> int:
        return sum(t.dead_lettered for t in self.partitions)

    def table(self) -> str:
        rows: list[list[object]] = [
            [t.range.partition, t.range.start, t.range.stop, t.read, t.enriched, t.dead_lettered]
            for t in self.partitions
        ]
        rows.append(["total", "", "", self.read, self.enriched, self.dead_lettered])
        return format_table(
            ["partition", "from", "until", "read", "enriched", "dead-lettered"], rows
        )


class _OneInFlight:
    """The previous record's delivery runs while the core works on the next; one at a time
    keeps the output order, and so the output offsets, the same on every replay."""

    def __init__(self) -> None:
        self._pending: tuple[asyncio.Future[Outcome], PartitionTally] | None = None

    async def start(self, delivery: Coroutine[Any, Any, Outcome], tally: PartitionTally) -> None:
        await self.settle()
        self._pending = (asyncio.ensure_future(delivery), tally)

    async def settle(self) -> None:
        if self._pending is not None:
            future, tally = self._pending
            self._pending = None
            tally.count(await future)


async def replay(
    client: ClientOptions,
    job: ReplayJob,
    options: PipelineOptions,
    budget_s: float,
    progress: Callable[[int], Progress] = lambda total: Progress("replay", total),
) -> ReplaySummary:
    """`budget_s` is the live worker's per-record time budget (`record_timeout_s`)."""
    low, high = await high_water_marks(client, job.source_topic)
    consumer = consumer_for(client, group=job.group, fetch_bytes=options.max_record_bytes * 2)
    producer = batch_producer(client, options.max_record_bytes)
    core = BudgetedCore(options, budget_s)
    await consumer.start()
    await producer.start()
    try:
        partitions = await topic_partitions(consumer, job.source_topic)
        ranges = await resolve(consumer, partitions, low, high, job.start, job.stop)
        await ensure_topics(
            client, [job.outputs.enriched, job.outputs.dead_letter], len(partitions)
        )
        tallies = {r.partition: PartitionTally(r) for r in ranges}
        send = sender(producer)
        delivery = _OneInFlight()
        with progress(sum(r.size for r in ranges)) as shown:
            async for record in read_ranges(consumer, job.source_topic, ranges):
                received = Received(
                    value=record.value,
                    key=record.key,
                    headers=tuple(record.headers),
                    origin=KafkaOrigin(
                        record.topic, record.partition, record.offset, record.timestamp
                    ),
                )
                outcome = await core.process(received)
                tally = tallies[record.partition]
                await delivery.start(deliver(outcome, received, job.outputs, send), tally)
                shown.advance()
                done = record.offset + 1
                if (done - tally.range.start) % FETCH_RECORDS == 0 or done == tally.range.stop:
                    await delivery.settle()
                    tp = TopicPartition(record.topic, record.partition)
                    await consumer.commit({tp: OffsetAndMetadata(done, "replay")})
            await delivery.settle()
        return ReplaySummary(list(tallies.values()))
    finally:
        core.close()
        await producer.stop()
        await consumer.stop()
