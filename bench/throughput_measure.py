"""What the throughput benchmark reads off the machine and the broker: RSS and CPU time from
/proc, committed offsets, and the outputs' broker timestamps (the clock of the rates)."""

import asyncio
import itertools
import os
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition

from worker.stream.probe import output_reader

# A pause longer than this between two outputs is a group join or a rebalance, not work: Tansu
# makes every join wait half the session timeout (~5 s); no single record takes 2 s.
IDLE_GAP_MS = 2000
SAMPLE_EVERY_S = 0.2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def status_kib(pid: int, field_name: str) -> int | None:
    """A `VmRSS`-style field of /proc/<pid>/status, in KiB; None once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (the worker's core runs in a child process)."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except FileNotFoundError:
            continue
    return tree


def tree_kib(pid: int, field_name: str) -> int:
    """`status_kib` summed over the process tree."""
    return sum(status_kib(member, field_name) or 0 for member in process_tree(pid))


def tree_cpu_seconds(pid: int) -> float:
    return sum(cpu_seconds(member) for member in process_tree(pid))


def child_pid(name: str) -> int | None:
    """Our own child process with this command name (the embedded Tansu broker)."""
    me = os.getpid()
    for task in Path(f"/proc/{me}/task").iterdir():
        for pid in (task / "children").read_text().split():
            if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                return int(pid)
    return None


@dataclass
class RssSampler:
    """Samples the RSS and CPU time of some processes in a thread, so both can be read at any
    output count (CPU between two outputs leaves out start-up and group joins)."""

    pids: list[int]
    broker_pid: int | None = None
    # (unix ms, summed RSS KiB of `pids`, their CPU seconds, the broker's CPU seconds)
    samples: list[tuple[float, int, float, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY_S):
            total = sum(tree_kib(pid, "VmRSS") for pid in self.pids)
            cpu = sum(tree_cpu_seconds(pid) for pid in self.pids)
            broker = cpu_seconds(self.broker_pid) if self.broker_pid else 0.0
            self.samples.append((time.time() * 1000, total, cpu, broker))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def at(self, moment_ms: float) -> int | None:
        """The RSS of the last sample taken at or before the moment (KiB)."""
        sample = self._before(moment_ms)
        return None if sample is None else sample[1]

    def cpu_between(self, first_ms: float, last_ms: float) -> tuple[float, float]:
        """CPU seconds of the processes and of the broker from one moment to another."""
        first, last = self._before(first_ms), self._before(last_ms)
        if first is None or last is None:
            return 0.0, 0.0
        return last[2] - first[2], last[3] - first[3]

    def _before(self, moment_ms: float) -> tuple[float, int, float, float] | None:
        before = [sample for sample in self.samples if sample[0] <= moment_ms]
        return before[-1] if before else None


async def committed_total(bootstrap: str, group: str, topic: str, partitions: int) -> int:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        offsets = [await consumer.committed(TopicPartition(topic, p)) for p in range(partitions)]
        return sum(offset or 0 for offset in offsets)
    finally:
        await consumer.stop()


async def wait_committed(
    bootstrap: str, group: str, topic: str, partitions: int, count: int, timeout_s: float
) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await committed_total(bootstrap, group, topic, partitions) >= count:
            return True
        await asyncio.sleep(1.0)
    return False


@dataclass(frozen=True, slots=True)
class Output:
    key: bytes
    timestamp_ms: int
    size: int


async def read_outputs(
    bootstrap: str, topics: list[str], count: int, timeout_s: float
) -> list[Output]:
    """Every output record's key, broker timestamp and size (values are not kept: up to GBs)."""
    consumer = output_reader(bootstrap, topics)
    await consumer.start()
    found: list[Output] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(found) < count and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                found.extend(
                    Output(r.key or b"", r.timestamp, len(r.value or b"")) for r in records
                )
    finally:
        await consumer.stop()
    return found


@dataclass(frozen=True, slots=True)
class Window:
    """The time the consumers were working, joins and rebalances excluded."""

    records: int
    seconds: float
    first_ms: int
    duplicates: int


def busy_window(outputs: list[Output]) -> Window:
    stamps = sorted(output.timestamp_ms for output in outputs)
    busy_ms = sum(
        gap
        for gap in (later - earlier for earlier, later in itertools.pairwise(stamps))
        if gap <= IDLE_GAP_MS
    )
    distinct = len({output.key for output in outputs})
    return Window(
        distinct, max(busy_ms, 1) / 1000, stamps[0] if stamps else 0, len(outputs) - distinct
    )


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]
