"""`article-worker reset-offsets`: move the live group's committed offsets, as Kafka's
`kafka-consumer-groups --reset-offsets` does: only while the group has no active members (a
running worker would overwrite the reset with its next commit), and only with `--execute`;
without it the plan is printed and nothing changes.
"""

from dataclasses import dataclass

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import for_code
from aiokafka.structs import OffsetAndMetadata

from worker.stream.batch import format_table
from worker.stream.positions import (
    AtTime,
    Beginning,
    ClientOptions,
    End,
    consumer_for,
    high_water_marks,
    resolve,
    topic_partitions,
)

ResetTarget = Beginning | AtTime


class GroupActive(RuntimeError):
    """The group has members: resetting under them would be undone by their next commit."""


@dataclass(frozen=True, slots=True)
class OffsetMove:
    partition: int
    current: int | None  # None: the group never committed on this partition
    new: int


async def group_members(client: ClientOptions, group: str) -> list[str]:
    """Member ids of the group. One group per request: Tansu garbles a multi-group answer."""
    admin = AIOKafkaAdminClient(**client)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    [described] = response.groups
    error_code, members = described[0], described[5]
    if error_code:
        raise for_code(error_code)(f"describing group {group!r}")
    return [member[0] for member in members]


async def reset_offsets(
    client: ClientOptions, group: str, topic: str, target: ResetTarget, execute: bool
) -> list[OffsetMove]:
    """The moves for every partition of the topic; committed only when `execute` is true."""
    members = await group_members(client, group)
    if members:
        raise GroupActive(
            f"group {group!r} has {len(members)} active member(s) ({', '.join(members[:3])}); "
            "stop its workers first"
        )
    low, high = await high_water_marks(client, topic)
    consumer = consumer_for(client, group=group)
    await consumer.start()
    try:
        partitions = await topic_partitions(consumer, topic)
        ranges = await resolve(consumer, partitions, low, high, target, End())
        moves = [
            OffsetMove(
                span.partition,
                await consumer.committed(TopicPartition(topic, span.partition)),
                span.start,
            )
            for span in ranges
        ]
        if execute:
            consumer.assign(partitions)  # aiokafka commits only for assigned partitions
            await consumer.commit(
                {
                    TopicPartition(topic, move.partition): OffsetAndMetadata(move.new, "reset")
                    for move in moves
                }
            )
        return moves
    finally:
        await consumer.stop()


def moves_table(moves: list[OffsetMove]) -> str:
    return format_table(
        ["partition", "current", "new", "change"],
        [
            [
                m.partition,
                "-" if m.current is None else m.current,
                m.new,
                "-" if m.current is None else f"{m.new - m.current:+,}",
            ]
            for m in moves
        ],
    )
