"""`article-worker produce`: play the crawler — each line of a JSON-lines file becomes one raw
record, sent as is (no key), so bad lines reach the worker exactly as a broken crawler's would."""

import asyncio
from contextlib import ExitStack

from worker.offline import open_input, read_records
from worker.progress import Progress
from worker.stream.batch import batch_producer
from worker.stream.positions import ClientOptions

# Sends awaited together: enough to fill the producer's batches, bounded so memory stays flat
# however long the file is.
IN_FLIGHT = 1000


async def produce_file(client: ClientOptions, topic: str, path: str, max_record_bytes: int) -> int:
    producer = batch_producer(client, max_record_bytes)
    await producer.start()
    count = 0
    try:
        with ExitStack() as stack, Progress(f"produce {topic}") as shown:
            lines = open_input(path, stack)
            pending: list[asyncio.Future] = []
            for received in read_records(lines, path):
                pending.append(await producer.send(topic, received.value))
                if len(pending) >= IN_FLIGHT:
                    await asyncio.gather(*pending)
                    shown.advance(len(pending))
                    count += len(pending)
                    pending = []
            await asyncio.gather(*pending)
            shown.advance(len(pending))
            count += len(pending)
    finally:
        await producer.stop()
    return count
