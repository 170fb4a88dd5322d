"""The faust application: one agent that decodes, calls the core, routes and lets faust commit.

faust acknowledges an event when the agent moves on to the next one, and commits only
acknowledged offsets; the agent moves on only after `deliver` has the broker's acknowledgement
for the record's output. That order is the at-least-once guarantee.
"""

import logging
import tempfile
from typing import Any

import faust
from faust.types import EventT

from worker.pipeline import DeadLetter, process
from worker.records import Headers, KafkaOrigin, Received
from worker.settings import Settings
from worker.stream.publish import OutputTopics, deliver

log = logging.getLogger(__name__)

# The broker, not the client, decides what is too large: a dead letter carries the raw value
# base64-encoded (4/3 of it), and when the broker refuses, `deliver` falls back to a cut copy.
MAX_REQUEST_BYTES = 64 * 1024 * 1024
REQUEST_SIZE_SLACK = 2


def build_app(settings: Settings) -> faust.App:
    app = faust.App(
        settings.group,
        broker=settings.broker,
        key_serializer="raw",
        value_serializer="raw",
        web_bind=settings.web_host,
        web_host=settings.web_host,
        web_port=settings.web_port,
        datadir=tempfile.mkdtemp(prefix="article-worker-"),
        broker_session_timeout=settings.session_timeout_s,
        broker_heartbeat_interval=settings.session_timeout_s / 4,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_max_request_size=max(
            MAX_REQUEST_BYTES, settings.max_record_bytes * REQUEST_SIZE_SLACK
        ),
        consumer_max_fetch_size=settings.max_record_bytes * REQUEST_SIZE_SLACK,
        topic_disable_leader=True,
        topic_partitions=settings.partitions,
    )
    raw_topic = app.topic(settings.raw_topic, key_type=bytes, value_type=bytes)
    outputs = OutputTopics(enriched=settings.enriched_topic, dead_letter=settings.dead_letter_topic)
    options = settings.pipeline

    async def send(topic: str, key: bytes | None, value: bytes, headers: Headers) -> None:
        await app.producer.send_and_wait(topic, key, value, None, None, list(headers))

    @app.agent(raw_topic, name="enrich-articles")
    async def enrich_articles(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            received = received_from(event)
            outcome = await deliver(process(received, options), received, outputs, send)
            if isinstance(outcome, DeadLetter):
                log.info(
                    "dead letter %s at %s[%d]@%d: %s",
                    outcome.error.code,
                    event.message.topic,
                    event.message.partition,
                    event.message.offset,
                    outcome.error.message[:200],
                )

    return app


def received_from(event: EventT[Any, Any]) -> Received:
    message = event.message
    return Received(
        value=_as_bytes(message.value),
        key=_as_bytes(message.key),
        headers=_headers(message.headers),
        origin=KafkaOrigin(
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            timestamp_ms=int(message.timestamp * 1000) if message.timestamp else None,
        ),
    )


def _as_bytes(data: Any) -> bytes | None:
    if data is None or isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode()
    return bytes(data)


def _headers(headers: Any) -> Headers:
    items = headers.items() if isinstance(headers, dict) else (headers or ())
    return tuple((str(name), _as_bytes(value)) for name, value in items)
