"""What the batch jobs (replay, redrive, produce) share: a producer sized like the worker's and
the summary table they print when done."""

from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from worker.records import Headers
from worker.stream.app import MAX_REQUEST_BYTES, REQUEST_SIZE_SLACK
from worker.stream.positions import ClientOptions
from worker.stream.publish import Send


def batch_producer(client: ClientOptions, max_record_bytes: int) -> AIOKafkaProducer:
    """Sized like the live worker's producer, so what it can publish a batch job can too."""
    return AIOKafkaProducer(
        **client,
        acks="all",
        max_request_size=max(MAX_REQUEST_BYTES, max_record_bytes * REQUEST_SIZE_SLACK),
    )


async def ensure_topics(client: ClientOptions, names: Sequence[str], partitions: int) -> None:
    """Create missing output topics with the source's partition count; a broker that creates
    topics on first use (Tansu does) would pick its own default instead."""
    admin = AIOKafkaAdminClient(**client)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in dict.fromkeys(names) if n not in existing]
        if missing:
            await admin.create_topics([NewTopic(n, partitions, 1) for n in missing])
    finally:
        await admin.close()


def sender(producer: AIOKafkaProducer) -> Send:
    """`deliver`'s send, on a plain aiokafka producer: returns once the broker has the record."""

    async def send(topic: str, key: bytes | None, value: bytes, headers: Headers) -> None:
        await producer.send_and_wait(topic, value, key=key, headers=list(headers))

    return send


def format_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table: first column left-aligned (a name), the others right-aligned."""
    cells = [
        [str(c) for c in header],
        *[[f"{c:,}" if isinstance(c, int) else str(c) for c in r] for r in rows],
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])
