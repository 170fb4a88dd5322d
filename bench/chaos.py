"""`python -m bench.chaos`: nothing lost, nothing stuck. Workers are killed, rebalanced, stopped,
fed poison, cut off from their broker and from their output topic, on the real embedded broker;
one row of counts per scenario. `tests/integration/test_chaos.py` runs the same scenarios at CI
size with the same assertions.

Every raw record must come out enriched or dead-lettered (lost = 0). The design is at-least-once
with stable record ids, so a record may come out more than once after a crash, but only as the
same key and identical bytes; a copy that differs is counted as `conflicting`.
"""

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from worker.stream.broker import EmbeddedBroker, create_topics, free_port
from worker.stream.probe import RawMessage, produce
from worker.stream.worker_process import WorkerProcess

# Full size, from the issue: 10,000 records and at least 3 kills; 1,000 poison payloads.
FULL_RECORDS = 10_000
FULL_KILLS = 4
FULL_POISON = 1_000
PARTITIONS = 4
# One raw record in ten is poison in the kill, rebalance and stop scenarios: both outputs flow.
POISON_EVERY = 10
# Tansu makes each group join wait half the session timeout (10 s: 5 s a join); a killed member
# holds its partitions until the session times out. 4 s keeps a chaos run short and heartbeats
# (every 1 s) far inside it: the core runs off the event loop.
SESSION_TIMEOUT_S = "4"
# Output must keep coming: a scenario fails when nothing new arrives for this long.
STALL_TIMEOUT_S = 120.0
# The promise for a SIGTERM: exit 0 within 15 s.
SIGTERM_LIMIT_S = 15.0
# Measured: SIGTERM 0.1 s after the start ends the process by the signal, 0.4 s after exits 0.
START_GRACE_S = 0.5
INVALID_TOPIC = "chaos output unavailable"  # a space: the broker refuses the name


@dataclass
class Tally:
    """What came out for the raw records of one scenario, by source coordinates."""

    scenario: str
    sent: int
    enriched: int = 0
    dead_lettered: int = 0
    lost: int = 0
    duplicated: int = 0
    conflicting: int = 0
    facts: dict[str, Any] = field(default_factory=dict)  # what the scenario measured
    problems: list[str] = field(default_factory=list)  # promises other than lost = 0 broken

    @property
    def sound(self) -> bool:
        return self.lost == 0 and self.conflicting == 0 and not self.problems


@dataclass(frozen=True)
class Topics:
    raw: str
    enriched: str
    dead_letter: str
    group: str

    def worker_args(self, dead_letter: str | None = None) -> list[str]:
        return [
            "--raw-topic",
            self.raw,
            "--enriched-topic",
            self.enriched,
            "--dead-letter-topic",
            dead_letter or self.dead_letter,
            "--group",
            self.group,
        ]


async def fresh_topics(bootstrap: str, name: str) -> Topics:
    prefix = f"chaos-{name}-{os.getpid()}-{time.monotonic_ns()}"
    topics = Topics(f"{prefix}.raw", f"{prefix}.enriched", f"{prefix}.deadletter", prefix)
    await create_topics(bootstrap, [topics.raw, topics.enriched, topics.dead_letter], PARTITIONS)
    return topics


# --- traffic -------------------------------------------------------------------------------


def _templates() -> list[dict[str, Any]]:
    samples = sorted(files("worker.samples").iterdir(), key=lambda entry: entry.name)
    return [
        orjson.loads(sample.read_bytes()) for sample in samples if sample.name.endswith(".json")
    ]


def good_record(index: int, templates: list[dict[str, Any]]) -> RawMessage:
    """A bundled sample page with its own stable id and URL."""
    template = templates[index % len(templates)]
    article = dict(template, id=f"chaos-{index}", url=f"{template['url']}?chaos={index}")
    return RawMessage(orjson.dumps(article), f"chaos-{index}".encode())


def poison_record(index: int, rng: random.Random) -> tuple[str, RawMessage]:
    """A payload no crawler should send, with the dead-letter code it must come back with."""
    url = f"https://poison.example/{index}"
    kinds: list[tuple[str, bytes]] = [
        ("not_utf8", b"\xff\xfe" + rng.randbytes(rng.randint(1, 200))),
        ("not_json", orjson.dumps({"url": url, "text": "cut"})[: rng.randint(1, 20)]),
        ("not_object", orjson.dumps(rng.choice([[url], 42, "text", None, True]))),
        ("empty", rng.choice([b"", b"   ", b"\n"])),
        ("missing_field", orjson.dumps({"text": "no url " * rng.randint(1, 20)})),
        ("wrong_type", orjson.dumps({"url": url, "text": rng.choice([1, [], {}, 2.5])})),
        ("bad_url", orjson.dumps({"url": rng.choice(["/rel", "ftp://x/y", "nope"]), "text": "x"})),
        ("bad_timestamp", orjson.dumps({"url": url, "text": "x", "fetched_at": "yesterday"})),
        ("no_text", orjson.dumps({"url": url, "html": " " * rng.randint(1, 50)})),
    ]
    code, value = kinds[index % len(kinds)]
    return code, RawMessage(value, f"poison-{index}".encode())


def mixed_traffic(count: int, poison_every: int = POISON_EVERY, seed: int = 4) -> list[RawMessage]:
    rng, templates = random.Random(seed), _templates()
    return [
        poison_record(index, rng)[1]
        if index % poison_every == poison_every - 1
        else good_record(index, templates)
        for index in range(count)
    ]


# --- watching the outputs ------------------------------------------------------------------


class OutputWatcher:
    """Reads both output topics from the start while a scenario runs; knows which raw
    coordinates have come out, so a scenario can act at a given point of progress."""

    def __init__(self, bootstrap: str, topics: Topics) -> None:
        self.topics = topics
        self.records: list[ConsumerRecord[bytes, bytes]] = []
        self.covered: set[tuple[int, int]] = set()
        self._consumer = AIOKafkaConsumer(
            topics.enriched,
            topics.dead_letter,
            bootstrap_servers=bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            fetch_max_bytes=64 << 20,
            max_partition_fetch_bytes=32 << 20,
        )
        self._task: asyncio.Task[None] | None = None
        self._last_arrival = time.monotonic()

    async def __aenter__(self) -> "OutputWatcher":
        await self._consumer.start()
        self._task = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()

    async def _read(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=200)
            for partition_records in batch.values():
                for record in partition_records:
                    self.records.append(record)
                    self.covered.add(source_of(record))
                    self._last_arrival = time.monotonic()

    async def until(self, count: int) -> None:
        """Wait until `count` raw records have come out; fail if output stops coming."""
        while len(self.covered) < count:
            if time.monotonic() - self._last_arrival > STALL_TIMEOUT_S:
                raise TimeoutError(
                    f"no output for {STALL_TIMEOUT_S:g} s at {len(self.covered)} of {count}"
                )
            await asyncio.sleep(0.05)

    async def settle(self, expected: set[tuple[int, int]], quiet_s: float = 1.5) -> None:
        """Wait for every expected record, then for late copies until the topics are quiet."""
        while not expected <= self.covered:
            if time.monotonic() - self._last_arrival > STALL_TIMEOUT_S:
                return  # what is missing is counted as lost
            await asyncio.sleep(0.05)
        while time.monotonic() - self._last_arrival < quiet_s:
            await asyncio.sleep(0.1)


def source_of(record: ConsumerRecord[bytes, bytes]) -> tuple[int, int]:
    source = orjson.loads(record.value)["source"]
    return source["partition"], source["offset"]


def tally(
    scenario: str,
    topics: Topics,
    positions: list[tuple[int, int]],
    records: list[ConsumerRecord[bytes, bytes]],
) -> Tally:
    outputs: dict[tuple[int, int], list[tuple[str, bytes | None, bytes]]] = {}
    for record in records:
        outputs.setdefault(source_of(record), []).append((record.topic, record.key, record.value))
    expected = set(positions)
    result = Tally(scenario, sent=len(positions))
    for position in expected:
        copies = outputs.get(position)
        if not copies:
            result.lost += 1
            continue
        if copies[0][0] == topics.enriched:
            result.enriched += 1
        else:
            result.dead_lettered += 1
        result.duplicated += len(copies) - 1
        result.conflicting += len(set(copies)) > 1
    strays = len(outputs.keys() - expected)
    if strays:
        result.problems.append(f"{strays} outputs for records never sent")
    return result


async def committed_offsets(bootstrap: str, topics: Topics) -> dict[int, int | None]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=topics.group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        return {
            partition: await consumer.committed(TopicPartition(topics.raw, partition))
            for partition in range(PARTITIONS)
        }
    finally:
        await consumer.stop()


# --- workers -------------------------------------------------------------------------------


class Workers:
    """Worker processes of one scenario, each with its own log; all stopped at the end."""

    def __init__(self, broker_url: str, topics: Topics, log_dir: Path) -> None:
        self.broker_url = broker_url
        self.topics = topics
        self.log_dir = log_dir
        self.started: list[WorkerProcess] = []

    def start(self, dead_letter: str | None = None) -> WorkerProcess:
        process = WorkerProcess(
            self.broker_url,
            self.log_dir / f"{self.topics.group}-worker-{len(self.started)}.log",
            [*self.topics.worker_args(dead_letter), "--log-level", "warning"],
        )
        process.start()
        self.started.append(process)
        return process

    @property
    def running(self) -> list[WorkerProcess]:
        return [process for process in self.started if process.running]

    async def stop_all(self) -> list[int]:
        return [(await timed_stop(process))[0] for process in self.running]

    def kill_all(self) -> None:
        for process in self.running:
            process.kill()


async def timed_stop(process: WorkerProcess) -> tuple[int, float]:
    """SIGTERM once the process runs our code: in its first fraction of a second Python has not
    yet installed a handler, and the signal's default action ends it (documented)."""
    await asyncio.sleep(max(0.0, START_GRACE_S - (time.monotonic() - process.started_at)))
    started = time.monotonic()
    code = process.stop(SIGTERM_LIMIT_S)
    return code, time.monotonic() - started


def progress_points(count: int, events: int, rng: random.Random) -> Iterator[int]:
    """Random moments of a run, as numbers of records out, between 10 % and 90 % of it."""
    yield from sorted(rng.randint(count // 10, count * 9 // 10) for _ in range(events))


# --- scenarios -----------------------------------------------------------------------------


async def kill_nine(broker: EmbeddedBroker, log_dir: Path, records: int, kills: int) -> Tally:
    """SIGKILL the worker at random moments and restart it each time."""
    topics = await fresh_topics(broker.bootstrap, "kill")
    workers, rng = Workers(broker.url, topics, log_dir), random.Random(9)
    workers.start()
    async with OutputWatcher(broker.bootstrap, topics) as watcher:
        positions = await produce(broker.bootstrap, topics.raw, mixed_traffic(records))
        for point in progress_points(records, kills, rng):
            await watcher.until(point)
            await asyncio.sleep(rng.uniform(0, 0.5))
            workers.kill_all()
            workers.start()
        await watcher.settle(set(positions))
        result = tally("kill -9", topics, positions, watcher.records)
    result.facts.update(kills=kills, exit_codes=await workers.stop_all())
    _expect_clean_exits(result)
    return result


async def rebalance(
    broker: EmbeddedBroker, log_dir: Path, records: int, changes: int, most: int = 3
) -> Tally:
    """Two or three workers in one group; one stops (SIGTERM) or one more starts, mid-stream."""
    topics = await fresh_topics(broker.bootstrap, "rebalance")
    workers, rng = Workers(broker.url, topics, log_dir), random.Random(7)
    workers.start()
    workers.start()
    codes: list[int] = []
    async with OutputWatcher(broker.bootstrap, topics) as watcher:
        positions = await produce(broker.bootstrap, topics.raw, mixed_traffic(records))
        for point in progress_points(records, changes, rng):
            await watcher.until(point)
            running = workers.running
            if len(running) >= most or (len(running) > 1 and rng.random() < 0.5):
                codes.append((await timed_stop(rng.choice(running)))[0])
            else:
                workers.start()
        await watcher.settle(set(positions))
        result = tally("rebalance", topics, positions, watcher.records)
    codes += await workers.stop_all()
    result.facts.update(changes=changes, workers=len(workers.started), exit_codes=codes)
    _expect_clean_exits(result)
    return result


async def sigterm(broker: EmbeddedBroker, log_dir: Path, records: int, stops: int) -> Tally:
    """SIGTERM mid-stream (and once during start-up): exit 0 within 15 s; restart each time."""
    topics = await fresh_topics(broker.bootstrap, "sigterm")
    workers, rng = Workers(broker.url, topics, log_dir), random.Random(15)
    starting = workers.start()
    await asyncio.sleep(1.0)  # importing and starting faust, not yet consuming
    stopped = [await timed_stop(starting)]
    current = workers.start()
    async with OutputWatcher(broker.bootstrap, topics) as watcher:
        positions = await produce(broker.bootstrap, topics.raw, mixed_traffic(records))
        for point in progress_points(records, stops, rng):
            await watcher.until(point)
            stopped.append(await timed_stop(current))
            current = workers.start()
        await watcher.settle(set(positions))
        result = tally("SIGTERM", topics, positions, watcher.records)
    stopped.append(await timed_stop(current))
    result.facts.update(
        stops=len(stopped),
        exit_codes=[code for code, _ in stopped],
        slowest_stop_s=round(max(seconds for _, seconds in stopped), 1),
    )
    _expect_clean_exits(result)
    if result.facts["slowest_stop_s"] >= SIGTERM_LIMIT_S:
        result.problems.append(f"a stop took {result.facts['slowest_stop_s']} s")
    return result


async def poison(broker: EmbeddedBroker, log_dir: Path, count: int) -> Tally:
    """`count` poison payloads between good records: one dead letter each, with its code, and
    every good record enriched."""
    topics = await fresh_topics(broker.bootstrap, "poison")
    workers, rng, templates = Workers(broker.url, topics, log_dir), random.Random(1), _templates()
    workers.start()
    traffic: list[RawMessage] = []
    expected_codes: dict[int, str] = {}
    for index in range(count):
        traffic.append(good_record(index, templates))
        code, message = poison_record(index, rng)
        expected_codes[len(traffic)] = code
        traffic.append(message)
    async with OutputWatcher(broker.bootstrap, topics) as watcher:
        positions = await produce(broker.bootstrap, topics.raw, traffic)
        await watcher.settle(set(positions))
        result = tally("poison", topics, positions, watcher.records)
    result.facts["exit_codes"] = await workers.stop_all()
    codes = {
        source_of(record): orjson.loads(record.value)["error"]["code"]
        for record in watcher.records
        if record.topic == topics.dead_letter
    }
    wrong = sum(codes.get(positions[i]) != code for i, code in expected_codes.items())
    good_dead = sum(1 for i, p in enumerate(positions) if i not in expected_codes and p in codes)
    result.facts.update(poison=count, wrong_code=wrong, good_dead_lettered=good_dead)
    if wrong or good_dead or result.duplicated:
        result.problems.append(
            f"{wrong} poison with another code, {good_dead} good records dead-lettered, "
            f"{result.duplicated} copies (expected exactly one output each)"
        )
    _expect_clean_exits(result)
    return result


async def output_unavailable(broker: EmbeddedBroker, log_dir: Path, records: int) -> Tally:
    """The dead-letter topic refused by the broker: nothing from the first poison record of a
    partition on is committed, SIGTERM still stops the blocked worker, and a worker started
    with a working topic delivers everything."""
    topics = await fresh_topics(broker.bootstrap, "output")
    workers = Workers(broker.url, topics, log_dir)
    blocked = workers.start(dead_letter=INVALID_TOPIC)
    # A clean start, so offsets are committed before the first poison record blocks the worker.
    clean_start = 4 * POISON_EVERY
    traffic = [good_record(i, _templates()) for i in range(clean_start)] + mixed_traffic(records)
    positions = await produce(broker.bootstrap, topics.raw, traffic)
    first_poison: dict[int, int] = {}
    for index, (partition, offset) in enumerate(positions):
        if index >= clean_start and (index - clean_start) % POISON_EVERY == POISON_EVERY - 1:
            first_poison.setdefault(partition, offset)
    async with OutputWatcher(broker.bootstrap, topics) as watcher:
        await watcher.until(clean_start // 2)
        await asyncio.sleep(6)  # the worker is blocked; faust commits every 2.8 s
        committed = await committed_offsets(broker.bootstrap, topics)
        blocked_before = len(watcher.covered)
        code, seconds = await timed_stop(blocked)
        workers.start()
        await watcher.settle(set(positions))
        result = tally("output unavailable", topics, positions, watcher.records)
    codes = [code, *await workers.stop_all()]
    result.facts.update(
        committed=committed,
        first_pending=first_poison,
        out_while_blocked=blocked_before,
        exit_codes=codes,
        blocked_stop_s=round(seconds, 1),
    )
    past = [p for p, c in committed.items() if c is not None and c > first_poison.get(p, c)]
    if past:
        result.problems.append(f"committed past a pending record on partitions {past}")
    if not any(committed.values()):
        result.problems.append("nothing was committed before the output failed")
    _expect_clean_exits(result)
    return result


async def broker_outage(log_dir: Path, records: int) -> Tally:
    """The broker absent at start, then gone mid-stream and back (memory-only: topics
    recreated, records re-sent); the same worker process must go on."""
    port = free_port()
    url = f"kafka://127.0.0.1:{port}"
    name = f"chaos-outage-{os.getpid()}-{time.monotonic_ns()}"
    topics = Topics(f"{name}.raw", f"{name}.enriched", f"{name}.deadletter", name)
    names = [topics.raw, topics.enriched, topics.dead_letter]
    workers = Workers(url, topics, log_dir)
    worker = workers.start()
    await asyncio.sleep(3)  # the worker is up before its broker
    traffic = mixed_traffic(records)
    broker = EmbeddedBroker(port=port, log_path=log_dir / f"{name}-tansu.log")
    try:
        await broker.start()
        await create_topics(broker.bootstrap, names, PARTITIONS)
        async with OutputWatcher(broker.bootstrap, topics) as watcher:
            await produce(broker.bootstrap, topics.raw, traffic)
            await watcher.until(records // 2)
        broker.stop()
        await asyncio.sleep(3)
        alive_without_broker = worker.running
        await broker.start()
        await create_topics(broker.bootstrap, names, PARTITIONS)
        async with OutputWatcher(broker.bootstrap, topics) as watcher:
            positions = await produce(broker.bootstrap, topics.raw, traffic)
            await watcher.settle(set(positions))
            result = tally("broker outage", topics, positions, watcher.records)
        alive = worker.running
        codes = await workers.stop_all()
    finally:
        workers.kill_all()
        broker.stop()
    waited = "not reachable" in worker.log_path.read_text(errors="replace")
    result.facts.update(
        alive_without_broker=alive_without_broker,
        alive_at_end=alive,
        wait_logged=waited,
        exit_codes=codes,
    )
    if not (alive_without_broker and alive and waited):
        result.problems.append("the worker died, or did not log its wait for the broker")
    _expect_clean_exits(result)
    return result


def _expect_clean_exits(result: Tally) -> None:
    codes = result.facts.get("exit_codes", [])
    if any(codes):
        result.problems.append(f"exit codes {codes} after SIGTERM (expected 0)")


# --- the command ---------------------------------------------------------------------------


def render(tallies: list[Tally]) -> str:
    header = ("scenario", "sent", "enriched", "dead-lettered", "lost", "duplicated", "conflicting")
    rows = [header] + [
        (
            t.scenario,
            *(
                str(n)
                for n in (t.sent, t.enriched, t.dead_lettered, t.lost, t.duplicated, t.conflicting)
            ),
        )
        for t in tallies
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [
        f"{t.scenario}: {', '.join(f'{k}={v}' for k, v in t.facts.items())}"
        + "".join(f"\n  PROBLEM: {problem}" for problem in t.problems)
        for t in tallies
    ]
    return "\n".join([*lines, "", *notes])


async def run_all(records: int, kills: int, poison_count: int, log_dir: Path) -> list[Tally]:
    os.environ["ARTICLE_WORKER_SESSION_TIMEOUT_S"] = SESSION_TIMEOUT_S
    tallies = []
    async with EmbeddedBroker(log_path=log_dir / "tansu.log") as broker:
        for scenario in (
            kill_nine(broker, log_dir, records, kills),
            rebalance(broker, log_dir, records, changes=kills + 2),
            sigterm(broker, log_dir, records, stops=kills),
            poison(broker, log_dir, poison_count),
            output_unavailable(broker, log_dir, max(records // 10, 200)),
        ):
            tallies.append(await scenario)
            print(render(tallies[-1:]).splitlines()[2], flush=True)
    tallies.append(await broker_outage(log_dir, max(records // 10, 200)))
    return tallies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--records", type=int, default=FULL_RECORDS, help="raw records per scenario (10,000)"
    )
    parser.add_argument(
        "--kills", type=int, default=FULL_KILLS, help="kills, and SIGTERM stops (4)"
    )
    parser.add_argument(
        "--poison", type=int, default=FULL_POISON, help="poison payloads, each beside a good one"
    )
    parser.add_argument("--logs", type=Path, help="worker and broker logs (default: a temp dir)")
    args = parser.parse_args()
    log_dir = args.logs or Path(tempfile.mkdtemp(prefix="article-worker-chaos-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    tallies = asyncio.run(run_all(args.records, args.kills, args.poison, log_dir))
    print()
    print(render(tallies))
    print(f"\n{time.monotonic() - started:.0f} s; logs in {log_dir}")
    return 0 if all(t.sound for t in tallies) else 1


if __name__ == "__main__":
    raise SystemExit(main())
