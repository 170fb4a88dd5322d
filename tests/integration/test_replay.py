"""Replay on the real embedded broker: deterministic output, the range edges (timestamps past
the end, offsets), per-partition tallies, and routing by language."""

import asyncio
import time
from collections import Counter

import orjson
import pytest
from aiokafka.structs import ConsumerRecord

from tests.unit.test_pipeline import HTML_PAGE
from worker.demo import bad_payloads, sample_articles
from worker.pipeline import DEFAULT_MAX_RECORD_BYTES, PipelineOptions
from worker.settings import Settings
from worker.stream.dump import read_topic
from worker.stream.positions import AtOffsets, AtTime, Beginning, End, Start, Stop
from worker.stream.probe import RawMessage, produce
from worker.stream.publish import OutputTopics
from worker.stream.replay import ReplayJob, ReplaySummary, replay

pytestmark = pytest.mark.broker
OPTIONS = PipelineOptions()
BUDGET_S = Settings().record_timeout_s
DAY_MS = 24 * 3600 * 1000


def articles(count: int, prefix: str) -> list[RawMessage]:
    return [
        RawMessage(orjson.dumps(dict(HTML_PAGE, id=f"{prefix}-{n}")), f"{prefix}-{n}".encode())
        for n in range(count)
    ]


FROM_BEGINNING, TO_END = Beginning(), End()


async def run_replay(
    broker, topics, output: str, start: Start = FROM_BEGINNING, stop: Stop = TO_END, **outputs
) -> ReplaySummary:
    job = ReplayJob(
        source_topic=topics.raw,
        outputs=OutputTopics(enriched=output, dead_letter=f"{output}.deadletter", **outputs),
        group=f"{topics.group}-replay",
        start=start,
        stop=stop,
    )
    return await replay({"bootstrap_servers": broker.bootstrap}, job, OPTIONS, BUDGET_S)


async def records_of(broker, topic: str) -> list[ConsumerRecord]:
    found: list[ConsumerRecord] = []
    await read_topic({"bootstrap_servers": broker.bootstrap}, topic, found.append)
    return found


def contents(records: list[ConsumerRecord]) -> list[tuple]:
    return [(r.partition, r.offset, r.key, r.value, tuple(r.headers)) for r in records]


async def test_replaying_a_range_twice_writes_identical_records(broker, topics) -> None:
    bad = [message for _, message in bad_payloads(DEFAULT_MAX_RECORD_BYTES)]
    sent = [*articles(12, "a"), *sample_articles(), *bad]
    positions = await produce(broker.bootstrap, topics.raw, sent)

    first = await run_replay(broker, topics, f"{topics.raw}.v2a")
    second = await run_replay(broker, topics, f"{topics.raw}.v2b")
    assert first.table() == second.table()

    assert (first.read, first.dead_lettered) == (len(sent), len(bad))
    per_partition = Counter(partition for partition, _ in positions)
    assert {t.range.partition: t.read for t in first.partitions} == per_partition
    assert "total" in first.table() and f"{len(sent):,}" in first.table()
    enriched_a = await records_of(broker, f"{topics.raw}.v2a")
    enriched_b = await records_of(broker, f"{topics.raw}.v2b")
    assert len(enriched_a) == first.enriched == len(sent) - len(bad)
    assert contents(enriched_a) == contents(enriched_b)
    letters_a = await records_of(broker, f"{topics.raw}.v2a.deadletter")
    letters_b = await records_of(broker, f"{topics.raw}.v2b.deadletter")
    assert len(letters_a) == len(bad) and contents(letters_a) == contents(letters_b)
    for record in enriched_a:
        source = orjson.loads(record.value)["source"]
        assert source["topic"] == topics.raw
        assert (source["partition"], source["offset"]) in positions


async def test_timestamps_bound_the_range_and_one_past_the_end_replays_nothing(
    broker, topics
) -> None:
    before = await produce(broker.bootstrap, topics.raw, articles(3, "early"))
    await asyncio.sleep(0.2)
    boundary = int(time.time() * 1000)
    await asyncio.sleep(0.2)
    after = await produce(broker.bootstrap, topics.raw, articles(4, "late"))

    everything = await run_replay(broker, topics, f"{topics.raw}.all", AtTime(boundary - DAY_MS))
    assert everything.read == 7
    late = await run_replay(broker, topics, f"{topics.raw}.late", AtTime(boundary))
    assert late.read == len(after)
    assert {r.key for r in await records_of(broker, f"{topics.raw}.late")} == {
        f"late-{n}".encode() for n in range(4)
    }
    early = await run_replay(broker, topics, f"{topics.raw}.early", stop=AtTime(boundary))
    assert early.read == len(before)
    future = await run_replay(broker, topics, f"{topics.raw}.none", AtTime(boundary + DAY_MS))
    assert future.read == 0
    assert [t.range.start for t in future.partitions] == [t.range.stop for t in future.partitions]


async def test_offsets_bound_the_range(broker, topics) -> None:
    positions = await produce(broker.bootstrap, topics.raw, articles(10, "o"))
    partition = positions[0][0]
    offsets = sorted(o for p, o in positions if p == partition)
    summary = await run_replay(
        broker,
        topics,
        f"{topics.raw}.cut",
        AtOffsets({partition: offsets[1]}),
        AtOffsets({partition: offsets[-1]}),
    )
    assert [(t.range.partition, t.read) for t in summary.partitions] == [
        (partition, len(offsets) - 2)
    ]


async def test_routing_by_language_copies_each_record_to_its_language_topic(broker, topics) -> None:
    await produce(broker.bootstrap, topics.raw, sample_articles())
    summary = await run_replay(broker, topics, f"{topics.raw}.routed", by_language=True)
    routed = await records_of(broker, f"{topics.raw}.routed")
    assert len(routed) == summary.enriched >= 3
    languages = Counter(orjson.loads(r.value)["language"] for r in routed)
    assert "fr" in languages and "en" in languages
    for language, count in languages.items():
        copies = await records_of(broker, f"{topics.raw}.routed.{language}")
        assert len(copies) == count
        assert all(dict(c.headers)["language"] == language.encode() for c in copies)
