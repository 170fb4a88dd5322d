"""The faust application: one agent that decodes, calls the core, routes and lets faust commit.

The agent takes events in batches without acknowledging them, processes each record, starts its
send at once, and acknowledges an event only after `deliver` has the broker's acknowledgement for
that record's output; faust commits only acknowledged offsets. That order is the at-least-once
guarantee; the sends of a batch are in flight together, which is where the speed comes from.
"""

import asyncio
import logging
import tempfile
import time
from collections import deque
from functools import partial
from typing import Any

import faust
from faust.types import TP, EventT

from worker.pipeline import DeadLetter, Outcome
from worker.records import Headers, KafkaOrigin, Received
from worker.settings import Settings
from worker.stream.core_pool import CorePool
from worker.stream.credentials import broker_credentials
from worker.stream.metrics import WorkerMetrics
from worker.stream.publish import OutputTopics, deliver
from worker.stream.web import add_web_views

log = logging.getLogger(__name__)

# The broker, not the client, decides what is too large: a dead letter carries the raw value
# base64-encoded (4/3 of it), and when the broker refuses, `deliver` falls back to a cut copy.
MAX_REQUEST_BYTES = 64 * 1024 * 1024
REQUEST_SIZE_SLACK = 2
# A batch shares its sends (aiokafka packs them into few requests) and its acks; the wait only
# bounds how long a trickle of records is held. faust reads ahead at most STREAM_BUFFER_RECORDS
# more (its default, 4096, is 650 MB of 160 KB pages): three batches, as the agent asks for the
# next batch while it works on one. Against 700 (BENCHMARKS.md, "Read-ahead"), a feed of HTML
# pages alone peaked at 303-317 MiB instead of 350-354, with articles/s within the runs' noise on
# the mix, text dumps and two core processes.
BATCH_MAX_RECORDS = 100
STREAM_BUFFER_RECORDS = 300
BATCH_WAIT_S = 0.05
# faust's 16 KB producer batch holds three 5 KB records: a batch of sends then waits in turn for
# room (measured: 8 tries per record). 1 MiB lets one request carry a partition's share.
PRODUCER_BATCH_BYTES = 1024 * 1024
# The core answers one record every few ms; with faust's linger of 0 each answer became a produce
# request of its own (traced: 609 requests for ~1,000 text dumps). Waiting up to 50 ms packs a
# dozen or more per request. Text dumps, one worker with two core processes, runs alternating
# (BENCHMARKS.md, "Producer linger"): the broker's CPU per record 0.10-0.13 ms instead of
# 0.26-0.30, the worker's ~0.1 ms less; articles/s 423-510 against 422-465 (noise overlaps).
PRODUCER_LINGER_S = 0.05
# Kafka's own producer default (request.timeout.ms).
PRODUCER_REQUEST_TIMEOUT_S = 30.0
# One line of progress per interval: frequent enough to watch, rare enough not to flood logs.
PROGRESS_INTERVAL_S = 30.0


def build_app(settings: Settings) -> faust.App:
    app = faust.App(
        settings.group,
        broker=settings.broker,
        broker_credentials=broker_credentials(settings),
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
        producer_max_batch_size=PRODUCER_BATCH_BYTES,
        producer_linger=PRODUCER_LINGER_S,
        stream_buffer_maxsize=STREAM_BUFFER_RECORDS,
        producer_max_request_size=max(
            MAX_REQUEST_BYTES, settings.max_record_bytes * REQUEST_SIZE_SLACK
        ),
        consumer_max_fetch_size=settings.max_record_bytes * REQUEST_SIZE_SLACK,
        topic_disable_leader=True,
        topic_partitions=settings.partitions,
        # faust waits for every in-flight record before a stop or a rebalance completes: a record
        # whose output cannot be delivered would hold both forever (SIGTERM ended in SIGKILL).
        # In-flight records are abandoned instead: never acknowledged, so never committed.
        stream_wait_empty=False,
        # faust's 20 minutes let one send hang silently; `deliver` retries, and logs, instead.
        producer_request_timeout=PRODUCER_REQUEST_TIMEOUT_S,
    )
    raw_topic = app.topic(settings.raw_topic, key_type=bytes, value_type=bytes)
    outputs = OutputTopics(
        enriched=settings.enriched_topic,
        dead_letter=settings.dead_letter_topic,
        by_language=settings.route_by_language,
    )
    # Off the event loop and stopped when over budget; its processes end with the worker's.
    core = CorePool(settings.pipeline, settings.record_timeout_s, settings.core_processes)
    metrics = WorkerMetrics()
    high_water = partial(_high_water, app)
    metrics.watch_lag(high_water)
    add_web_views(app, metrics)

    async def send(topic: str, key: bytes | None, value: bytes, headers: Headers) -> None:
        try:
            await app.producer.send_and_wait(topic, key, value, None, None, list(headers))
        except Exception:
            metrics.broker_connected.set(0)
            raise
        metrics.broker_connected.set(1)

    async def publish(received: Received, outcome: Outcome, process_s: float) -> None:
        processed = time.perf_counter()
        published = await deliver(outcome, received, outputs, send)
        assert isinstance(received.origin, KafkaOrigin)
        metrics.record_outcome(
            received.origin, published, process_s, time.perf_counter() - processed
        )
        if isinstance(published, DeadLetter):
            _log_dead_letter(received.origin, published)

    @app.agent(raw_topic, name="enrich-articles")
    async def enrich_articles(stream: faust.StreamT[bytes]) -> None:
        # faust fills the next batch only while the agent is not inside the previous one (and
        # pays its per-event cost doing so): asking for it in a task of its own lets it fill
        # while this batch is processed, instead of the core waiting for it (~a fifth of the
        # time on text dumps).
        batches = stream.noack_take(BATCH_MAX_RECORDS, within=BATCH_WAIT_S).__aiter__()
        upcoming: asyncio.Future[list[EventT[Any, Any]]] = asyncio.ensure_future(
            batches.__anext__()
        )
        # The previous batch's tail, acknowledged as its outputs land while this batch is
        # processed (the core is not left idle waiting for them); at most one batch settles.
        settling: asyncio.Future[None] | None = None
        try:
            while True:
                try:
                    events = await upcoming
                except StopAsyncIteration:
                    break
                batch = [received_from(event) for event in events]
                # The whole batch goes to the core at once (it keeps a window of them queued
                # for its processes); answers come back in order.
                answers = [asyncio.ensure_future(core.process(received)) for received in batch]
                upcoming = asyncio.ensure_future(batches.__anext__())
                pending: deque[tuple[EventT[Any, Any], asyncio.Future[None]]] = deque()
                try:
                    answered = time.perf_counter()
                    for event, received, answer in zip(events, batch, answers, strict=True):
                        outcome = await answer
                        # The time this record held up the stream: from the previous answer
                        # to its own.
                        now = time.perf_counter()
                        process_s, answered = now - answered, now
                        delivery = asyncio.ensure_future(publish(received, outcome, process_s))
                        pending.append((event, delivery))
                        # Acknowledge, in order, what is already on the broker: a stop or a
                        # rebalance then abandons only undelivered records, not the batch.
                        while pending and pending[0][1].done() and _settled(settling):
                            delivered, done = pending.popleft()
                            await done
                            await stream.ack(delivered)
                        # Heartbeats, fetches and acks run between records, not once per batch.
                        await asyncio.sleep(0)
                finally:
                    for answer in answers:
                        answer.cancel()  # stopping mid-batch: the rest is abandoned, uncommitted
                if settling is not None:
                    await settling
                settling = asyncio.ensure_future(_acknowledge(stream, pending))
        finally:
            upcoming.cancel()  # a batch read ahead is abandoned: never acknowledged, so redelivered

    progress = {"consumed": 0}

    @app.timer(PROGRESS_INTERVAL_S)
    async def log_progress() -> None:
        consumed, dead = metrics.consumed_count, metrics.dead_letter_count
        rate = (consumed - progress["consumed"]) / PROGRESS_INTERVAL_S
        progress["consumed"] = consumed
        log.info(
            "progress: %d records (%.1f/s), %d dead letters, lag %d",
            consumed,
            rate,
            dead,
            metrics.lag(high_water),
            extra={"records": consumed, "rate": round(rate, 1), "dead_letters": dead},
        )

    return app


def _settled(settling: "asyncio.Future[None] | None") -> bool:
    return settling is None or settling.done()


async def _acknowledge(
    stream: faust.StreamT[bytes], pending: deque[tuple[EventT[Any, Any], "asyncio.Future[None]"]]
) -> None:
    """Acknowledge, in order, each event once its output is on the broker."""
    for event, delivery in pending:
        await delivery
        await stream.ack(event)


def _high_water(app: faust.App, topic: str, partition: int) -> int | None:
    """The partition's high-water mark from the last fetch; None when not assigned here."""
    tp = TP(topic, partition)
    if tp not in app.consumer.assignment():
        return None
    return app.consumer.highwater(tp)


def _log_dead_letter(origin: KafkaOrigin, letter: DeadLetter) -> None:
    log.info(
        "dead letter %s at %s[%d]@%d: %s",
        letter.error.code,
        origin.topic,
        origin.partition,
        origin.offset,
        letter.error.message[:200],
        extra={
            "code": str(letter.error.code),
            "stage": str(letter.error.stage),
            "topic": origin.topic,
            "partition": origin.partition,
            "offset": origin.offset,
        },
    )


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
