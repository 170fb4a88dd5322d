"""One streaming configuration measured on a fresh embedded broker.

The raw topic is filled first, then the consumer processes start; the rate is read off the
outputs' broker timestamps with join pauses cut out (see `busy_window`). Then, with the consumers
warm, a second, paced batch (half the measured rate) gives the latency from produce to output.
A fresh broker per configuration keeps memory-only Tansu from holding every earlier run's GBs.
"""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaProducer

from bench.records import BenchRecord
from bench.throughput_measure import (
    RssSampler,
    busy_window,
    child_pid,
    percentile,
    read_outputs,
    tree_kib,
    wait_committed,
)
from worker.stream.broker import EmbeddedBroker, free_port
from worker.stream.worker_process import stop_process

REPO = Path(__file__).resolve().parents[1]
PARTITIONS = 4
RAW, ENRICHED, DEAD_LETTER, GROUP = "bench.raw", "bench.enriched", "bench.deadletter", "bench"
# Room for the slowest configuration (plain langdetect on HTML) on a busy 2-core machine.
DONE_TIMEOUT_S = 3600.0
STOP_TIMEOUT_S = 30.0
LATENCY_SECONDS = 8.0
LATENCY_MIN_RECORDS, LATENCY_MAX_RECORDS = 40, 2000
LATENCY_LOAD = 0.5  # paced at half the measured rate: latency of a worker keeping up, not a queue

Command = Callable[[str, int], list[str]]  # (broker url, web port) -> argv of one consumer


@dataclass(frozen=True, slots=True)
class StreamRun:
    name: str
    records: int
    seconds: float
    input_bytes: int
    duplicates: int
    p50_ms: float
    p99_ms: float
    peak_rss_kib: int
    rss_at_tenth_kib: int | None
    rss_at_end_kib: int | None
    consumer_cpu_s: float  # of the consumers' processes and children, over `cpu_records`
    broker_cpu_s: float
    cpu_records: int


def transport_command(broker_url: str, web_port: int) -> list[str]:
    bootstrap = broker_url.removeprefix("kafka://")
    return [
        *("-m", "bench.throughput_transport", "--bootstrap", bootstrap),
        *("--source", RAW, "--target", ENRICHED, "--group", GROUP),
    ]


def faust_default_command(broker_url: str, web_port: int) -> list[str]:
    return [
        *("-m", "bench.throughput_shell", "default", "--broker", broker_url),
        *("--source", RAW, "--target", ENRICHED, "--group", GROUP, "--web-port", str(web_port)),
    ]


def _worker_args(broker_url: str, web_port: int) -> list[str]:
    return [
        *("run", "--broker", broker_url, "--web-port", str(web_port), "--log-level", "warning"),
        *("--raw-topic", RAW, "--enriched-topic", ENRICHED, "--dead-letter-topic", DEAD_LETTER),
        *("--group", GROUP),
    ]


def faust_tuned_command(broker_url: str, web_port: int) -> list[str]:
    return ["-m", "bench.throughput_shell", "tuned", *_worker_args(broker_url, web_port)]


def faust_inline_command(broker_url: str, web_port: int) -> list[str]:
    return ["-m", "bench.throughput_shell", "inline", *_worker_args(broker_url, web_port)]


def worker_command(backend: str, core_processes: int = 1) -> Command:
    def command(broker_url: str, web_port: int) -> list[str]:
        return [
            *("-m", "worker", *_worker_args(broker_url, web_port)),
            *("--language-backend", backend, "--core-processes", str(core_processes)),
        ]

    return command


async def run_stream(
    name: str, command: Command, processes: int, records: list[BenchRecord], log_dir: Path
) -> StreamRun:
    async with EmbeddedBroker(log_path=log_dir / f"{name}-tansu.log") as broker:
        await broker.create_topics([RAW, ENRICHED, DEAD_LETTER], PARTITIONS)
        await _produce(broker.bootstrap, records, paced_per_s=None)
        consumers = [
            _start(command, broker.url, log_dir / f"{name}-{n}.log") for n in range(processes)
        ]
        sampler = RssSampler([consumer.pid for consumer in consumers], child_pid("tansu"))
        sampler.start()
        try:
            if not await wait_committed(
                broker.bootstrap, GROUP, RAW, PARTITIONS, len(records), DONE_TIMEOUT_S
            ):
                raise RuntimeError(f"{name}: not every record was committed; see {log_dir}")
            outputs = await read_outputs(
                broker.bootstrap, [ENRICHED, DEAD_LETTER], len(records), DONE_TIMEOUT_S
            )
            window = busy_window(outputs)
            paced = _latency_records(records, window.records / window.seconds)
            sent_ms = await _produce(
                broker.bootstrap, paced, paced_per_s=LATENCY_LOAD * window.records / window.seconds
            )
            total = len(records) + len(paced)
            if not await wait_committed(
                broker.bootstrap, GROUP, RAW, PARTITIONS, total, DONE_TIMEOUT_S
            ):
                raise RuntimeError(f"{name}: the paced records were not all committed")
            peak = sum(tree_kib(consumer.pid, "VmHWM") for consumer in consumers)
        finally:
            sampler.stop()
            for consumer in consumers:
                stop_process(consumer, STOP_TIMEOUT_S)
        everything = await read_outputs(
            broker.bootstrap, [ENRICHED, DEAD_LETTER], total, DONE_TIMEOUT_S
        )
    latencies = [o.timestamp_ms - sent_ms[o.key] for o in everything if o.key in sent_ms]
    stamps = sorted(o.timestamp_ms for o in outputs)
    # CPU per record over the outputs from the tenth to the last: no start-up, no group join.
    tenth = len(stamps) // 10
    consumer_cpu, broker_cpu = (
        sampler.cpu_between(stamps[tenth], stamps[-1]) if stamps else (0.0, 0.0)
    )
    cpu_records = max(len(stamps) - 1 - tenth, 0)
    return StreamRun(
        name=name,
        records=window.records,
        seconds=window.seconds,
        input_bytes=sum(len(record.value) for record in records),
        duplicates=window.duplicates,
        p50_ms=percentile(latencies, 0.5),
        p99_ms=percentile(latencies, 0.99),
        peak_rss_kib=peak,
        rss_at_tenth_kib=sampler.at(stamps[len(stamps) // 10]) if stamps else None,
        rss_at_end_kib=sampler.at(stamps[-1]) if stamps else None,
        consumer_cpu_s=consumer_cpu,
        broker_cpu_s=broker_cpu,
        cpu_records=cpu_records,
    )


def _latency_records(records: list[BenchRecord], rate: float) -> list[BenchRecord]:
    wanted = int(
        min(max(rate * LATENCY_LOAD * LATENCY_SECONDS, LATENCY_MIN_RECORDS), LATENCY_MAX_RECORDS)
    )
    return [
        BenchRecord(b"paced-" + record.key, record.value, record.kind)
        for record in records[:wanted]
    ]


async def _produce(
    bootstrap: str, records: list[BenchRecord], paced_per_s: float | None
) -> dict[bytes, int]:
    """Send the records (as fast as possible, or evenly paced); returns each key's send time."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", max_batch_size=1 << 20, max_request_size=64 << 20
    )
    await producer.start()
    sent: dict[bytes, int] = {}
    try:
        started = time.monotonic()
        acks = []
        for index, record in enumerate(records):
            if paced_per_s:
                await asyncio.sleep(max(0.0, started + index / paced_per_s - time.monotonic()))
            now_ms = int(time.time() * 1000)
            sent[record.key] = now_ms
            acks.append(await producer.send(RAW, record.value, key=record.key, timestamp_ms=now_ms))
        await asyncio.gather(*acks)
    finally:
        await producer.stop()
    return sent


def _start(command: Command, broker_url: str, log_path: Path) -> subprocess.Popen[bytes]:
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, *command(broker_url, free_port())],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)},
        )
