"""Routing by language in `deliver`: the copy goes to `<enriched>.<language>` after the record,
is retried until the broker takes it, and dead letters are never copied."""

import orjson

from tests.unit.test_pipeline import HTML_PAGE
from worker.pipeline import process
from worker.records import Headers, KafkaOrigin, Received
from worker.stream import publish
from worker.stream.publish import OutputTopics, deliver

TOPICS = OutputTopics("articles.enriched", "articles.deadletter", by_language=True)


def received(value: bytes) -> Received:
    return Received(value, b"k", (), KafkaOrigin("articles.raw", 0, 7, None))


class Broker:
    """Records what was sent; refuses the first `refusals` sends to a given topic."""

    def __init__(self, refuse_topic: str | None = None, refusals: int = 0) -> None:
        self.sent: list[tuple[str, bytes | None]] = []
        self.refuse_topic, self.refusals = refuse_topic, refusals

    async def send(self, topic: str, key: bytes | None, value: bytes, headers: Headers) -> None:
        if topic == self.refuse_topic and self.refusals:
            self.refusals -= 1
            raise ConnectionError("broker unreachable")
        self.sent.append((topic, key))


async def test_an_enriched_record_is_copied_to_its_language_topic() -> None:
    record = received(orjson.dumps(HTML_PAGE))
    broker = Broker()
    outcome = await deliver(process(record), record, TOPICS, broker.send)
    key = outcome.key
    assert broker.sent == [("articles.enriched", key), ("articles.enriched.en", key)]


async def test_the_copy_is_retried_until_the_broker_takes_it(monkeypatch) -> None:
    monkeypatch.setattr(publish, "RETRY_FIRST_DELAY_S", 0.001)
    record = received(orjson.dumps(HTML_PAGE))
    broker = Broker(refuse_topic="articles.enriched.en", refusals=2)
    await deliver(process(record), record, TOPICS, broker.send)
    assert [topic for topic, _ in broker.sent] == ["articles.enriched", "articles.enriched.en"]


async def test_dead_letters_are_not_copied() -> None:
    broker = Broker()
    bad = received(b"not json")
    await deliver(process(bad), bad, TOPICS, broker.send)
    assert broker.sent == [("articles.deadletter", b"k")]


async def test_without_routing_there_is_no_copy() -> None:
    broker = Broker()
    good = received(orjson.dumps(HTML_PAGE))
    plain = OutputTopics("articles.enriched", "articles.deadletter")
    await deliver(process(good), good, plain, broker.send)
    assert [topic for topic, _ in broker.sent] == ["articles.enriched"]
