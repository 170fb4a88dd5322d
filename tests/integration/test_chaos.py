"""The chaos scenarios of `bench/chaos.py` at CI size, on the real embedded broker: whatever
happens to the workers, the broker or the output topic, every raw record comes out enriched or
dead-lettered (lost = 0), and a record that comes out twice comes out as identical bytes."""

import asyncio
import sys
from pathlib import Path

import orjson
import pytest

from bench.chaos import (
    SESSION_TIMEOUT_S,
    SIGTERM_LIMIT_S,
    Tally,
    broker_outage,
    kill_nine,
    output_unavailable,
    poison,
    rebalance,
    render,
    sigterm,
)
from tests.unit.test_pipeline import HTML_PAGE
from worker.stream.broker import free_port
from worker.stream.probe import RawMessage, produce, read_until
from worker.stream.worker_process import WorkerProcess

pytestmark = pytest.mark.broker
STALLING_WORKER = Path(__file__).with_name("stalling_worker.py")
# The longest piece of a payload a log line may hold (a dead letter's message is cut to 200).
LOGGED_EXCERPT_CHARS = 200
STALL_MARKER = "STALL-LANGUAGE-STEP"  # its MARKER; importing it would patch this process too
# A stop abandons the records whose send was in flight: a handful, never a whole batch (200).
DUPLICATES_PER_STOP = 25


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ARTICLE_WORKER_SESSION_TIMEOUT_S", SESSION_TIMEOUT_S)
    return tmp_path


def assert_nothing_lost(result: Tally, log_dir: Path) -> None:
    print(render([result]))
    if not result.sound:
        for log in sorted(log_dir.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}")
    assert result.lost == 0
    assert result.conflicting == 0, "a record came out twice with different bytes"
    assert result.enriched + result.dead_lettered == result.sent
    assert result.problems == []


async def test_kill_nine_loses_nothing(broker, log_dir) -> None:
    result = await kill_nine(broker, log_dir, records=600, kills=3)
    assert_nothing_lost(result, log_dir)
    assert result.dead_lettered == 60  # one raw record in ten is poison


async def test_rebalances_lose_nothing(broker, log_dir) -> None:
    result = await rebalance(broker, log_dir, records=600, changes=4)
    assert_nothing_lost(result, log_dir)
    assert result.facts["workers"] >= 3


async def test_sigterm_exits_zero_quickly_and_loses_nothing(broker, log_dir) -> None:
    result = await sigterm(broker, log_dir, records=300, stops=2)
    assert_nothing_lost(result, log_dir)
    assert result.facts["exit_codes"] == [0, 0, 0, 0]  # one during start-up, two mid-stream, last
    assert result.facts["slowest_stop_s"] < SIGTERM_LIMIT_S
    # Regression: a whole batch of delivered but unacknowledged records was redone after each
    # stop. What is done is committed on the way out: only records in flight come again.
    assert result.duplicated <= DUPLICATES_PER_STOP * 2


async def test_poison_gives_one_dead_letter_each_and_good_records_pass(broker, log_dir) -> None:
    result = await poison(broker, log_dir, count=300)
    assert_nothing_lost(result, log_dir)
    assert (result.enriched, result.dead_lettered, result.duplicated) == (300, 300, 0)


async def test_an_unavailable_output_holds_the_offset_and_loses_nothing(broker, log_dir) -> None:
    result = await output_unavailable(broker, log_dir, records=150)
    assert_nothing_lost(result, log_dir)
    committed, pending = result.facts["committed"], result.facts["first_pending"]
    assert any(committed.values()), "offsets before the failure must be committed"
    for partition, offset in committed.items():
        assert offset is None or offset <= pending[partition]
    assert result.facts["blocked_stop_s"] < SIGTERM_LIMIT_S


async def test_the_worker_waits_for_its_broker_and_survives_its_restart(log_dir) -> None:
    result = await broker_outage(log_dir, records=150)
    assert_nothing_lost(result, log_dir)
    assert result.facts["alive_without_broker"] and result.facts["alive_at_end"]
    assert result.facts["wait_logged"]


async def test_sigterm_while_waiting_for_the_broker_exits_zero(log_dir) -> None:
    waiting = WorkerProcess(f"kafka://127.0.0.1:{free_port()}", log_dir / "waiting.log")
    waiting.start()
    await asyncio.sleep(3)
    assert waiting.running, "an unreachable broker must not end the worker"
    assert waiting.stop() == 0
    log = waiting.log_path.read_text()
    assert "not reachable" in log and "stopped while waiting for the broker" in log


async def test_a_stalling_record_becomes_a_timeout_and_its_partition_moves_on(
    broker, topics, start_worker, dead_letter_schema
) -> None:
    start_worker(["--record-timeout-s", "1"], entry_point=[sys.executable, str(STALLING_WORKER)])
    stalled = dict(HTML_PAGE, id="stalled")
    stalled["html"] = stalled["html"].replace("No one was hurt", f"{STALL_MARKER} No one was hurt")
    sent = [
        RawMessage(orjson.dumps(stalled), b"same-partition"),
        RawMessage(orjson.dumps(HTML_PAGE), b"same-partition"),
    ]
    (partition, offset), after = await produce(broker.bootstrap, topics.raw, sent)
    assert after == (partition, offset + 1)
    outputs = await read_until(broker.bootstrap, [topics.enriched, topics.dead_letter], 2, 60)
    by_topic = {output.topic: orjson.loads(output.value) for output in outputs}
    letter = by_topic[topics.dead_letter]
    dead_letter_schema.validate(letter)
    assert (letter["error"]["code"], letter["error"]["stage"]) == ("timeout", "enrich")
    assert letter["source"]["offset"] == offset
    assert by_topic[topics.enriched]["source"]["offset"] == offset + 1


async def test_payloads_reach_the_log_only_as_short_excerpts(broker, topics, start_worker) -> None:
    worker = start_worker(["--log-level", "debug"])
    secret = "S3CRET" * 2000
    sent = [
        RawMessage(orjson.dumps({"url": f"/{secret}", "text": secret}), b"bad-url"),
        RawMessage(f'{{"url": "https://example.org/{secret}", "text": '.encode(), b"bad-json"),
        RawMessage(orjson.dumps({"url": "https://example.org/a", "text": 5, "x": secret}), b"type"),
    ]
    await produce(broker.bootstrap, topics.raw, sent)
    outputs = await read_until(broker.bootstrap, [topics.dead_letter], len(sent), 60)
    assert len(outputs) == len(sent)
    assert worker.stop() == 0
    log = worker.log_path.read_text(errors="replace")
    assert "dead letter" in log
    assert "S3CRET" * (LOGGED_EXCERPT_CHARS // 6 + 1) not in log


async def test_the_core_process_dies_with_a_killed_worker_even_mid_record(
    broker, topics, start_worker
) -> None:
    """Regression: after kill -9 of the worker, a core stuck in a record ran on, orphaned."""
    worker = start_worker(
        ["--record-timeout-s", "120"], entry_point=[sys.executable, str(STALLING_WORKER)]
    )
    stalled = dict(HTML_PAGE, html=HTML_PAGE["html"].replace("No one", f"{STALL_MARKER} No one"))
    await produce(broker.bootstrap, topics.raw, [RawMessage(orjson.dumps(stalled), b"stall")])
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    for _ in range(300):
        core_pids = [int(pid) for pid in children.read_text().split()]
        if core_pids and "the core runs in process" in worker.log_path.read_text():
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)  # the record is in the core, stalled
    worker.kill()
    for _ in range(50):
        if not any(Path(f"/proc/{pid}").exists() for pid in core_pids):
            break
        await asyncio.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in core_pids)
