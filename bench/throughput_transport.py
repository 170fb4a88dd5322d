"""The transport limit: plain aiokafka consume -> produce -> commit, raw bytes unchanged.

Run as its own process by the throughput benchmark (so its CPU and memory are measured apart from
the benchmark's), until SIGTERM. Same guarantee as the worker: a batch's offsets are committed
only after every output of the batch is acknowledged.
"""

import argparse
import asyncio
import signal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

# aiokafka's defaults cap a fetch at 1 MB per partition; the benchmark's HTML pages reach 1.6 MB.
MAX_FETCH_BYTES = 64 << 20
MAX_PARTITION_FETCH_BYTES = 16 << 20
PRODUCER_BATCH_BYTES = 1 << 20
POLL_TIMEOUT_MS = 200


async def forward(bootstrap: str, source: str, target: str, group: str, timeout_s: float) -> None:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=int(timeout_s * 1000),
        heartbeat_interval_ms=int(timeout_s * 250),
        fetch_max_bytes=MAX_FETCH_BYTES,
        max_partition_fetch_bytes=MAX_PARTITION_FETCH_BYTES,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        max_batch_size=PRODUCER_BATCH_BYTES,
        max_request_size=MAX_FETCH_BYTES,
    )
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    await consumer.start()
    await producer.start()
    try:
        while not stopping.is_set():
            batch = await consumer.getmany(timeout_ms=POLL_TIMEOUT_MS)
            acks = [
                await producer.send(target, record.value, key=record.key)
                for records in batch.values()
                for record in records
            ]
            if acks:
                await asyncio.gather(*acks)
                await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--session-timeout", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(forward(args.bootstrap, args.source, args.target, args.group, args.session_timeout))


if __name__ == "__main__":
    main()
