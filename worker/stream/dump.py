"""`article-worker dump`: a topic's records as JSON lines, in partition and offset order, up to
the end captured at start, so two dumps of two topics can be compared with `diff`.

Only what a replay decides is printed (partition, offset, key, value, headers); timestamps,
which say when a record was written, would make every rebuild differ.
"""

import base64
from collections.abc import Callable
from typing import Any, BinaryIO

import orjson
from aiokafka.structs import ConsumerRecord

from worker.stream.positions import (
    Beginning,
    ClientOptions,
    End,
    consumer_for,
    high_water_marks,
    read_ranges,
    resolve,
    topic_partitions,
)


def _text_or_b64(name: str, data: bytes | None) -> dict[str, Any]:
    """UTF-8 stays readable; other bytes are base64 under `<name>_b64`, so nothing is lost."""
    if data is None:
        return {name: None}
    try:
        return {name: data.decode("utf-8")}
    except UnicodeDecodeError:
        return {f"{name}_b64": base64.b64encode(data).decode("ascii")}


def record_line(record: ConsumerRecord[bytes, bytes]) -> bytes:
    document: dict[str, Any] = {"partition": record.partition, "offset": record.offset}
    document |= _text_or_b64("key", record.key)
    document |= _text_or_b64("value", record.value)
    document["headers"] = [
        {"name": name} | _text_or_b64("value", value) for name, value in record.headers
    ]
    return orjson.dumps(document) + b"\n"


async def read_topic(
    client: ClientOptions, topic: str, each: Callable[[ConsumerRecord[bytes, bytes]], None]
) -> int:
    """Call `each` on every record from the beginning to the end captured now; returns the count."""
    low, high = await high_water_marks(client, topic)
    consumer = consumer_for(client)
    await consumer.start()
    count = 0
    try:
        partitions = await topic_partitions(consumer, topic)
        ranges = await resolve(consumer, partitions, low, high, Beginning(), End())
        async for record in read_ranges(consumer, topic, ranges):
            each(record)
            count += 1
    finally:
        await consumer.stop()
    return count


async def dump_topic(client: ClientOptions, topic: str, output: BinaryIO) -> int:
    count = await read_topic(client, topic, lambda record: output.write(record_line(record)))
    output.flush()
    return count
