"""The worker process against the real embedded broker: every record comes out exactly once,
enriched or dead-lettered, and its offset is committed only after that."""

import base64
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from tests.unit.test_pipeline import HTML_PAGE
from worker.demo import bad_payloads
from worker.pipeline import DEFAULT_MAX_RECORD_BYTES
from worker.stream.probe import RawMessage, produce, read_until

pytestmark = pytest.mark.broker
OUTPUT_TIMEOUT_S = 90.0
SIX_MB_TEXT = orjson.dumps({"url": "https://example.org/huge", "text": "lorem ipsum " * 524_288})
FAULTY_WORKER = Path(__file__).with_name("faulty_worker.py")


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, from /proc (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


async def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int | None]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        return {p: await consumer.committed(TopicPartition(topic, p)) for p in (0, 1)}
    finally:
        await consumer.stop()


@pytest.mark.parametrize("core_processes", [1, 2])
async def test_every_record_comes_out_once_and_offsets_follow(
    broker, topics, start_worker, seed_case, enriched_schema, dead_letter_schema, core_processes
) -> None:
    worker = start_worker(["--core-processes", str(core_processes)])
    bad = bad_payloads(DEFAULT_MAX_RECORD_BYTES)
    bad.append(("too_large", RawMessage(SIX_MB_TEXT, b"bad-six-mb")))
    before = [
        RawMessage(orjson.dumps(seed_case["raw"]), b"seed"),
        RawMessage(orjson.dumps(HTML_PAGE), b"html"),
    ]
    after = [RawMessage(orjson.dumps(dict(HTML_PAGE, id="after-the-bad-ones")), b"after")]
    sent = before + [message for _, message in bad] + after
    positions = await produce(broker.bootstrap, topics.raw, sent)

    outputs = await read_until(
        broker.bootstrap, [topics.enriched, topics.dead_letter], len(sent), OUTPUT_TIMEOUT_S
    )

    assert listening_addresses(worker.web_port) == {"0100007F"}, "web port must bind 127.0.0.1 only"
    assert worker.stop() == 0
    assert len(outputs) == len(sent)

    enriched = {o.key: orjson.loads(o.value) for o in outputs if o.topic == topics.enriched}
    for article in enriched.values():
        enriched_schema.validate(article)
    seed_id = next(a["id"] for a in enriched.values() if a["url"] == seed_case["raw"]["url"])
    seed = enriched[seed_id.encode()]
    assert (seed["language"], seed["dateline"]["location"], seed["published_date"]) == (
        "en",
        "BEIRUT",
        "2018-07-06",
    )
    assert seed["body"].startswith("Rebels in Syria") and seed["body"].endswith(
        "the statement said."
    )
    assert seed["source"]["topic"] == topics.raw
    assert enriched[b"after-the-bad-ones"]["dateline"]["location"] == "VALLETTA"
    assert len(enriched) == 3

    by_key = {message.key: message for _, message in bad}
    letters = [o for o in outputs if o.topic == topics.dead_letter]
    assert Counter(orjson.loads(o.value)["error"]["code"] for o in letters) == Counter(
        code for code, _ in bad
    )
    for letter in letters:
        document = orjson.loads(letter.value)
        dead_letter_schema.validate(document)
        original = by_key[letter.key]
        assert base64.b64decode(document["original"]["value_b64"]) == original.value
        assert document["original"]["truncated"] is False
        assert dict(letter.headers)["error.code"] == document["error"]["code"].encode()
        source = document["source"]
        assert dict(letter.headers)["source.offset"] == str(source["offset"]).encode()
        assert positions[sent.index(original)] == (source["partition"], source["offset"])

    high_water = {p: max(o for q, o in positions if q == p) + 1 for p, _ in positions}
    assert await committed_offsets(broker.bootstrap, topics.group, topics.raw) == high_water


async def test_a_failing_step_is_dead_lettered_and_the_worker_goes_on(
    broker, topics, start_worker, dead_letter_schema
) -> None:
    start_worker(entry_point=[sys.executable, str(FAULTY_WORKER)])
    poisoned = dict(HTML_PAGE, id="poisoned")
    poisoned["html"] = poisoned["html"].replace(
        "No one was hurt", "EXPLODE-LANGUAGE-STEP No one was hurt"
    )
    sent = [
        RawMessage(orjson.dumps(poisoned), b"poisoned"),
        RawMessage(orjson.dumps(HTML_PAGE), b"fine"),
    ]
    await produce(broker.bootstrap, topics.raw, sent)
    outputs = await read_until(
        broker.bootstrap, [topics.enriched, topics.dead_letter], 2, OUTPUT_TIMEOUT_S
    )
    by_topic = {o.topic: o for o in outputs}
    letter = orjson.loads(by_topic[topics.dead_letter].value)
    dead_letter_schema.validate(letter)
    assert (letter["error"]["code"], letter["error"]["stage"]) == ("extraction_failed", "language")
    assert "RuntimeError" in letter["error"]["message"]
    assert orjson.loads(by_topic[topics.enriched].value)["language"] == "en"
