"""Producing raw records and reading outputs back: the crawler's and the indexer's side of the
topics, for the demo, the integration tests and the benchmarks."""

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord


@dataclass(frozen=True, slots=True)
class RawMessage:
    value: bytes | None
    key: bytes | None = None
    headers: tuple[tuple[str, bytes], ...] = ()


async def produce(
    bootstrap: str, topic: str, messages: Iterable[RawMessage], max_request_size: int = 16 << 20
) -> list[tuple[int, int]]:
    """Send every message and wait for the broker; returns (partition, offset) of each."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", max_request_size=max_request_size
    )
    await producer.start()
    try:
        futures = [
            await producer.send(topic, m.value, key=m.key, headers=list(m.headers))
            for m in messages
        ]
        return [(meta.partition, meta.offset) for meta in await asyncio.gather(*futures)]
    finally:
        await producer.stop()


def output_reader(bootstrap: str, topics: list[str]) -> AIOKafkaConsumer:
    """A group-less consumer of whole topics from the start, with room for multi-MiB records."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        fetch_max_bytes=64 << 20,
        max_partition_fetch_bytes=32 << 20,
    )


async def read_until(
    bootstrap: str, topics: list[str], count: int, timeout_s: float
) -> list[ConsumerRecord[bytes, bytes]]:
    """Read the topics from the beginning until `count` records arrived or the time is up."""
    consumer = output_reader(bootstrap, topics)
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(records) < count and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for partition_records in batch.values():
                records.extend(partition_records)
    finally:
        await consumer.stop()
    return records
