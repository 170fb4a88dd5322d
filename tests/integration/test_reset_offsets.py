"""Resetting the live group's offsets on the real embedded broker: to a time (a time past the
end moves to the end, not the start), to the earliest, dry run by default, refused while a
member is active."""

import asyncio
import time

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from worker.stream.offsets import GroupActive, reset_offsets
from worker.stream.positions import AtTime, Beginning
from worker.stream.probe import RawMessage, produce

pytestmark = pytest.mark.broker
DAY_MS = 24 * 3600 * 1000


def messages(prefix: str, count: int) -> list[RawMessage]:
    return [RawMessage(orjson.dumps({"n": n}), f"{prefix}-{n}".encode()) for n in range(count)]


async def committed(broker, group: str, topic: str) -> dict[int, int | None]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=broker.bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        return {p: await consumer.committed(TopicPartition(topic, p)) for p in (0, 1)}
    finally:
        await consumer.stop()


async def test_offsets_move_to_a_time_or_the_earliest(broker, topics) -> None:
    client = {"bootstrap_servers": broker.bootstrap}
    early = await produce(broker.bootstrap, topics.raw, messages("early", 4))
    await asyncio.sleep(0.2)
    boundary = int(time.time() * 1000)
    await asyncio.sleep(0.2)
    late = await produce(broker.bootstrap, topics.raw, messages("late", 4))
    ends = {p: 1 + max(o for q, o in early + late if q == p) for p in (0, 1)}

    planned = await reset_offsets(client, topics.group, topics.raw, Beginning(), execute=False)
    assert [m.new for m in planned] == [0, 0]
    assert await committed(broker, topics.group, topics.raw) == {0: None, 1: None}

    await reset_offsets(client, topics.group, topics.raw, AtTime(boundary + DAY_MS), True)
    assert await committed(broker, topics.group, topics.raw) == ends
    moves = await reset_offsets(client, topics.group, topics.raw, AtTime(boundary), True)
    first_late = {p: min((o for q, o in late if q == p), default=ends[p]) for p in (0, 1)}
    assert await committed(broker, topics.group, topics.raw) == first_late
    assert [(m.current, m.new) for m in moves] == [(ends[p], first_late[p]) for p in (0, 1)]
    await reset_offsets(client, topics.group, topics.raw, Beginning(), True)
    assert await committed(broker, topics.group, topics.raw) == {0: 0, 1: 0}


async def test_a_group_with_an_active_member_is_not_reset(broker, topics) -> None:
    await produce(broker.bootstrap, topics.raw, messages("m", 2))
    member = AIOKafkaConsumer(topics.raw, bootstrap_servers=broker.bootstrap, group_id=topics.group)
    await member.start()
    try:
        while not member.assignment():
            await member.getmany(timeout_ms=200)
        with pytest.raises(GroupActive, match="active member"):
            await reset_offsets(
                {"bootstrap_servers": broker.bootstrap}, topics.group, topics.raw, Beginning(), True
            )
    finally:
        await member.stop()
