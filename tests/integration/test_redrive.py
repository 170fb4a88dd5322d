"""Redrive on the real embedded broker with real workers: dead letters go back to the raw topic
byte-exact, are enriched after the fix (and routed by language: the fixed worker runs with
--route-by-language), and a record that fails again says it was redriven."""

import asyncio
import base64
import time

import orjson
import pytest

from tests.unit.test_pipeline import HTML_PAGE
from worker.stream.dump import read_topic
from worker.stream.positions import AtTime, Beginning, End
from worker.stream.probe import RawMessage, produce, read_until
from worker.stream.redrive import RedriveJob, RedriveSummary, redrive

pytestmark = pytest.mark.broker
OUTPUT_TIMEOUT_S = 90.0
# The "bug" the first worker runs with: a record limit lower than the pages it is sent.
LOW_LIMIT = 2048
BIG_PAGE = dict(HTML_PAGE, id="big-page")
BIG_PAGE["html"] = BIG_PAGE["html"].replace("</body>", f"<!-- {'x' * 4000} --></body>")
BIG = RawMessage(orjson.dumps(BIG_PAGE), b"big\xff", (("crawler", b"\x00\x01"),))
BROKEN = RawMessage(b'{"url": "https://example.org/a", "text": ', b"broken")


async def all_records(broker, topic: str) -> list:
    found: list = []
    await read_topic({"bootstrap_servers": broker.bootstrap}, topic, found.append)
    return found


async def run_redrive(broker, topics, codes: set[str], dry_run: bool, since_ms: int | None = None):
    reported: list[str] = []
    job = RedriveJob(
        dead_letter_topic=topics.dead_letter,
        raw_topic=topics.raw,
        codes=frozenset(codes),
        start=Beginning() if since_ms is None else AtTime(since_ms),
        stop=End(),
        dry_run=dry_run,
    )
    summary: RedriveSummary = await redrive(
        {"bootstrap_servers": broker.bootstrap}, job, 1 << 20, reported.append
    )
    return summary, reported


async def test_dead_letters_are_redriven_byte_exact_and_enriched_after_the_fix(
    broker, topics, start_worker, dead_letter_schema
) -> None:
    first = start_worker(["--max-record-bytes", str(LOW_LIMIT)])
    await produce(broker.bootstrap, topics.raw, [BIG, BROKEN])
    letters = await read_until(broker.bootstrap, [topics.dead_letter], 2, OUTPUT_TIMEOUT_S)
    assert sorted(orjson.loads(r.value)["error"]["code"] for r in letters) == [
        "not_json",
        "too_large",
    ]
    assert first.stop() == 0

    summary, reported = await run_redrive(broker, topics, {"too_large", "not_json"}, True)
    assert (summary.read, sum(summary.sent.values()), len(reported)) == (2, 2, 2)
    assert all("attempt 1 -> " + topics.raw in line for line in reported)
    assert len(await all_records(broker, topics.raw)) == 2, "a dry run sends nothing"

    summary, _ = await run_redrive(broker, topics, {"too_large", "not_json"}, False)
    assert dict(summary.sent) == {"too_large": 1, "not_json": 1}
    raw = await all_records(broker, topics.raw)
    redriven = {r.key: r for r in raw[2:]} if len(raw) == 4 else {}
    assert set(redriven) == {b"big\xff", b"broken"}
    assert redriven[b"big\xff"].value == BIG.value
    assert list(redriven[b"big\xff"].headers) == [
        ("crawler", b"\x00\x01"),
        ("redrive.attempt", b"1"),
    ]
    assert redriven[b"broken"].value == BROKEN.value
    redriven_at = int(time.time() * 1000)

    start_worker(["--route-by-language"])  # the fix: the default record limit
    outputs = await read_until(
        broker.bootstrap, [topics.enriched, topics.dead_letter], 4, OUTPUT_TIMEOUT_S
    )
    enriched = [o for o in outputs if o.topic == topics.enriched]
    assert [o.key for o in enriched] == [b"big-page"]
    assert orjson.loads(enriched[0].value)["dateline"]["location"] == "VALLETTA"
    copies = await read_until(broker.bootstrap, [f"{topics.enriched}.en"], 1, OUTPUT_TIMEOUT_S)
    assert [(c.key, c.value) for c in copies] == [(b"big-page", enriched[0].value)]
    again = [o for o in outputs if o.topic == topics.dead_letter][2:]
    assert len(again) == 1 and dict(again[0].headers)["redrive.attempt"] == b"1"
    document = orjson.loads(again[0].value)
    dead_letter_schema.validate(document)
    assert {"key": "redrive.attempt", "value_b64": base64.b64encode(b"1").decode()} in document[
        "original"
    ]["headers"]

    await asyncio.sleep(0.05)
    summary, reported = await run_redrive(broker, topics, {"not_json"}, True, redriven_at)
    assert summary.read == 1 and len(reported) == 1 and "attempt 2" in reported[0]
