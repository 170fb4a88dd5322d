"""`article-worker replay`: run a range of the raw topic through the current pipeline again.

A batch job on plain aiokafka, calling the same `process` and `deliver` as the live worker so the
two cannot drift. It reads partitions one after another, in order, each from its start to the
end captured when the job began; with one producer sending in that order, replaying the same
range twice writes the same keys and values in the same order. Partitions are assigned by hand
under the job's own group, so the live worker's group never rebalances; the group only records
how far the replay got.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka import TopicPartition
from aiokafka.structs import OffsetAndMetadata

from worker.pipeline import DeadLetter, PipelineOptions, process
from worker.progress import Progress
from worker.records import KafkaOrigin, Received
from worker.stream.batch import batch_producer, ensure_topics, format_table, sender
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


async def replay(
    client: ClientOptions,
    job: ReplayJob,
    options: PipelineOptions,
    progress: Callable[[int], Progress] = lambda total: Progress("replay", total),
) -> ReplaySummary:
    low, high = await high_water_marks(client, job.source_topic)
    consumer = consumer_for(client, group=job.group, fetch_bytes=options.max_record_bytes * 2)
    producer = batch_producer(client, options.max_record_bytes)
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
                outcome = await deliver(process(received, options), received, job.outputs, send)
                tally = tallies[record.partition]
                if isinstance(outcome, DeadLetter):
                    tally.dead_lettered += 1
                else:
                    tally.enriched += 1
                shown.advance()
                if tally.read % FETCH_RECORDS == 0 or record.offset + 1 == tally.range.stop:
                    tp = TopicPartition(record.topic, record.partition)
                    await consumer.commit({tp: OffsetAndMetadata(record.offset + 1, "replay")})
        return ReplaySummary(list(tallies.values()))
    finally:
        await producer.stop()
        await consumer.stop()
