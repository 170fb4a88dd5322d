"""What `deliver` does when the output side misbehaves (the broker itself is not the subject
here: a recording `send` stands in for it, the broker paths are in tests/integration)."""

import asyncio
import base64

import orjson
import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError

import worker.stream.publish as publish
from worker.pipeline import DeadLetter, Enriched, process
from worker.records import Headers, KafkaOrigin, Received
from worker.stream.publish import OutputTopics, deliver

TOPICS = OutputTopics(enriched="out", dead_letter="dlq")
ORIGIN = KafkaOrigin("raw", 0, 1, None)


class RecordingSend:
    def __init__(self, refuse_over: int | None = None, fail_first: int = 0) -> None:
        self.refuse_over = refuse_over
        self.fail_first = fail_first
        self.sent: list[tuple[str, bytes]] = []

    async def __call__(self, topic: str, key: bytes | None, value: bytes, headers: Headers) -> None:
        if self.fail_first:
            self.fail_first -= 1
            raise KafkaConnectionError("broker away")
        if self.refuse_over is not None and len(value) > self.refuse_over:
            raise MessageSizeTooLargeError()
        self.sent.append((topic, value))


@pytest.fixture
def fast_retries(monkeypatch) -> None:
    monkeypatch.setattr(publish, "RETRY_FIRST_DELAY_S", 0.001)
    monkeypatch.setattr(publish, "RETRY_MAX_DELAY_S", 0.001)


def test_publish_failures_are_retried_until_the_broker_takes_the_record(fast_retries) -> None:
    received = Received(b"[]", None, (), ORIGIN)
    send = RecordingSend(fail_first=3)
    outcome = asyncio.run(deliver(process(received), received, TOPICS, send))
    assert isinstance(outcome, DeadLetter)
    assert [topic for topic, _ in send.sent] == ["dlq"]


def test_a_dead_letter_the_broker_refuses_is_cut_not_lost() -> None:
    value = b"\xff" * (2 * publish.TRUNCATED_ORIGINAL_BYTES)
    received = Received(value, b"k", (), ORIGIN)
    send = RecordingSend(refuse_over=publish.TRUNCATED_ORIGINAL_BYTES * 2)
    outcome = asyncio.run(deliver(process(received), received, TOPICS, send))
    assert isinstance(outcome, DeadLetter) and outcome.truncated
    [(topic, sent)] = send.sent
    original = orjson.loads(sent)["original"]
    assert topic == "dlq"
    assert base64.b64decode(original["value_b64"]) == value[: publish.TRUNCATED_ORIGINAL_BYTES]
    assert original["value_length"] == len(value) and original["truncated"] is True


def test_an_enriched_record_the_broker_refuses_becomes_a_too_large_dead_letter() -> None:
    text = "\n\n".join(
        f"Report {n} says the council met on Monday and approved budget line {n} for next year."
        for n in range(12_000)
    )
    value = orjson.dumps({"url": "https://example.org/a", "text": text})
    received = Received(value, None, (), ORIGIN)
    outcome = process(received)
    assert isinstance(outcome, Enriched)
    assert len(outcome.value) > publish.TRUNCATED_ORIGINAL_BYTES * 3 // 2
    send = RecordingSend(refuse_over=len(outcome.value) - 1)
    delivered = asyncio.run(deliver(outcome, received, TOPICS, send))
    assert isinstance(delivered, DeadLetter)
    assert (delivered.error.code, delivered.error.stage) == ("too_large", "produce")
    assert [topic for topic, _ in send.sent] == ["dlq"]


def test_a_small_dead_letter_the_broker_refuses_is_retried_not_dropped(fast_retries) -> None:
    """Regression: a refused dead letter that cannot shrink used to loop without end, unlogged."""
    received = Received(b"[1]", None, (), ORIGIN)
    send = RecordingSend(refuse_over=10)

    async def run_for_a_while() -> None:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.2):
                await deliver(process(received), received, TOPICS, send)

    asyncio.run(run_for_a_while())
    assert send.sent == []
