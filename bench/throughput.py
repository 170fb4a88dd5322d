"""The throughput benchmark (issue 6): transport limit, framework limit, full worker and core
alone, measured in one run on the embedded broker and printed side by side with their ratios.

    .venv/bin/python -m bench.throughput                 # 20,000 records, every configuration
    .venv/bin/python -m bench.throughput --quick         # CI smoke: a few hundred records
    .venv/bin/python -m bench.throughput --records 100000 --only worker-rs --stream-only
                                                         # memory after 10,000 vs 100,000
    .venv/bin/python -m bench.throughput --profile       # plus the core's time per stage

The machine is shared and noisy: compare the rows of one run, not runs with each other.
"""

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.records import BenchRecord, load_pools, mixed_records
from bench.throughput_offline import OfflineRun, run_core, run_user_loop, user_loop_available
from bench.throughput_stream import (
    Command,
    StreamRun,
    faust_default_command,
    faust_inline_command,
    faust_tuned_command,
    run_stream,
    transport_command,
    worker_command,
)

DEFAULT_RECORDS = 20_000
QUICK_RECORDS = 200
QUICK_PAGES_PER_CORPUS = 20  # building the full pools takes ~30 s; a smoke run needs a few pages
HTML_SHARE = 0.3  # the realistic mix: 30 % HTML pages, 70 % text dumps
# The user loop runs ~10 records/s on this mix; a prefix of the same mix is enough for its rate.
USER_LOOP_RECORDS = 600
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StreamConfig:
    name: str
    label: str
    command: Command
    processes: int
    text_only: bool = False


STREAM_CONFIGS = (
    StreamConfig("transport", "1. aiokafka consume->produce", transport_command, 1),
    StreamConfig("faust-default", "2a. faust passthrough, default", faust_default_command, 1),
    StreamConfig("faust-tuned", "2. faust passthrough, tuned app", faust_tuned_command, 1),
    StreamConfig("faust-inline", "2i. tuned app, core inline", faust_inline_command, 1),
    StreamConfig("transport-text", "1t. aiokafka, text dumps", transport_command, 1, True),
    StreamConfig(
        "faust-default-text", "2at. faust default, text dumps", faust_default_command, 1, True
    ),
    StreamConfig("faust-tuned-text", "2t. faust tuned, text dumps", faust_tuned_command, 1, True),
    StreamConfig(
        "faust-inline-text", "2it. tuned, core inline, text dumps", faust_inline_command, 1, True
    ),
    StreamConfig("worker-rs", "3. full worker, langdetect-rs", worker_command("langdetect-rs"), 1),
    StreamConfig(
        "worker-rs-x2", "3x2. two workers, langdetect-rs", worker_command("langdetect-rs"), 2
    ),
    StreamConfig(
        "worker-rs-pool", "3c. one worker, 2 core processes", worker_command("langdetect-rs", 2), 1
    ),
    StreamConfig("worker-plain", "3p. full worker, langdetect", worker_command("langdetect"), 1),
    StreamConfig(
        "worker-rs-text",
        "3t. full worker, rs, text dumps",
        worker_command("langdetect-rs"),
        1,
        True,
    ),
    StreamConfig(
        "worker-rs-pool-text",
        "3ct. one worker, 2 core processes, text",
        worker_command("langdetect-rs", 2),
        1,
        True,
    ),
)
QUICK_CONFIGS = ("transport", "faust-default", "faust-tuned", "worker-rs")


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    records: int
    seconds: float
    input_bytes: int
    p50_ms: float | None = None
    p99_ms: float | None = None
    peak_rss_kib: int | None = None
    note: str = ""
    cpu_per_record_s: float | None = None  # of the consumers' processes and the broker

    @property
    def rate(self) -> float:
        return self.records / self.seconds

    def cells(self) -> list[str]:
        return [
            self.label,
            f"{self.records:,}",
            f"{self.rate:,.0f}",
            f"{self.input_bytes / MIB / self.seconds:,.1f}",
            _ms(self.p50_ms),
            _ms(self.p99_ms),
            "" if self.peak_rss_kib is None else f"{self.peak_rss_kib / 1024:,.0f}",
            self.note,
        ]


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def stream_row(label: str, run: StreamRun) -> Row:
    per_k = 1000 / max(run.cpu_records, 1)
    note = (
        f"CPU/1k rec: consumers {run.consumer_cpu_s * per_k:.2f} s, broker "
        f"{run.broker_cpu_s * per_k:.2f} s"
    )
    if run.rss_at_tenth_kib and run.rss_at_end_kib:
        note += f"; RSS {run.rss_at_tenth_kib / 1024:.0f}->{run.rss_at_end_kib / 1024:.0f} MiB"
    if run.duplicates:
        note += f"; {run.duplicates} redelivered"
    return Row(
        label,
        run.records,
        run.seconds,
        run.input_bytes,
        run.p50_ms,
        run.p99_ms,
        run.peak_rss_kib,
        note,
        (run.consumer_cpu_s + run.broker_cpu_s) / max(run.cpu_records, 1),
    )


def offline_row(label: str, run: OfflineRun) -> Row:
    return Row(label, run.records, run.seconds, run.input_bytes, note="in-process, no broker")


def print_table(rows: list[Row]) -> None:
    header = [
        "configuration",
        "records",
        "articles/s",
        "MB/s",
        "p50 ms",
        "p99 ms",
        "peak RSS MiB",
        "notes",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")


def print_ratios(rows: dict[str, Row]) -> None:
    rates = {name: row.rate for name, row in rows.items()}

    def ratio(
        label: str,
        top: str,
        bottom: str,
        target: float | None = None,
        check: Callable[[float], bool] | None = None,
    ) -> None:
        if top in rates and bottom in rates:
            value = rates[top] / rates[bottom]
            verdict = (
                ""
                if target is None
                else (
                    " (target >= {:.1f}: {})".format(
                        target, "holds" if value >= target else "MISSED"
                    )
                )
            )
            print(f"- {label}: {value:.2f}{verdict}")

    print()
    ratio("3/2 full worker / tuned faust passthrough", "worker-rs", "faust-tuned")
    ratio("3/4 full worker / core alone (langdetect-rs)", "worker-rs", "core-rs", 0.8)
    ratio("3p/4p same with plain langdetect", "worker-plain", "core-plain", 0.8)
    ratio("2/1 tuned faust passthrough / aiokafka", "faust-tuned", "transport")
    ratio("2it/1t faust tuning alone / aiokafka, text dumps", "faust-inline-text", "transport-text")
    ratio("2/2a tuned / default faust passthrough", "faust-tuned", "faust-default", 3.0)
    ratio("2t/2at same on text dumps (~5 KB)", "faust-tuned-text", "faust-default-text", 3.0)
    ratio("2i/2a faust tuning alone (core inline)", "faust-inline", "faust-default", 3.0)
    ratio("2it/2at same on text dumps", "faust-inline-text", "faust-default-text", 3.0)
    ratio(
        "full worker (rs) / user loop (trafilatura+htmldate+langdetect)",
        "worker-rs",
        "user-loop",
        10.0,
    )
    ratio("one worker with 2 core processes / user loop", "worker-rs-pool", "user-loop", 10.0)
    ratio("two workers / one worker", "worker-rs-x2", "worker-rs", 1.7)
    # How busy the machine was: CPU per record (consumers + broker) times records per second.
    cores = len(os.sched_getaffinity(0))
    for name, label in (
        ("worker-rs", "one worker"),
        ("worker-rs-pool", "one worker, 2 core processes"),
        ("worker-rs-x2", "two workers"),
    ):
        row = rows.get(name)
        if row is not None and row.cpu_per_record_s:
            busy = row.cpu_per_record_s * row.rate
            print(f"- cores busy with {label} (its processes + broker): {busy:.2f} of {cores}")
    targets = (
        ("worker-rs", 500),
        ("worker-rs-pool", 500),
        ("worker-rs-text", 1500),
        ("worker-rs-pool-text", 1500),
    )
    for name, target in targets:
        if name in rates:
            verdict = "holds" if rates[name] >= target else "MISSED"
            print(f"- {name}: {rates[name]:,.0f} articles/s (target >= {target}: {verdict})")


def user_loop_row(records: list[BenchRecord]) -> Row | None:
    """Row 5, or None with a line saying why: without it the 10x target has nothing to compare."""
    if not user_loop_available():
        print(
            "row 5 (the user loop) skipped: trafilatura and htmldate are not installed; "
            "`.venv/bin/pip install -e '.[bench]'` adds them",
            flush=True,
        )
        return None
    loop = run_user_loop(records[:USER_LOOP_RECORDS])
    return offline_row("5. user loop: trafilatura+htmldate+langdetect", loop)


def build_records(
    count: int, html_share: float, pages_per_corpus: int | None
) -> tuple[list[BenchRecord], bool]:
    started = time.perf_counter()
    pools = load_pools(pages_per_corpus)
    records = list(mixed_records(pools, count, html_share))
    source = "the shared corpora" if pools.from_corpora else "the bundled samples (no corpora)"
    print(
        f"{count:,} records ({html_share:.0%} HTML) from {source}: "
        f"{len(pools.html_pages)} pages, {len(pools.text_dumps)} dumps, "
        f"{sum(len(r.value) for r in records) / MIB:,.0f} MiB, built in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return records, pools.from_corpora


def print_profile(run: OfflineRun) -> None:
    total = sum(run.stage_seconds.values())
    print(f"\nCore time per stage ({run.records:,} records, langdetect-rs):")
    print("| stage | total s | ms/record | share |\n|---|---|---|---|")
    for stage, seconds in sorted(run.stage_seconds.items(), key=lambda item: -item[1]):
        print(
            f"| {stage} | {seconds:.2f} | {seconds * 1000 / run.records:.2f} | "
            f"{seconds / total:.0%} |"
        )


async def run(args: argparse.Namespace) -> None:
    count = (
        QUICK_RECORDS if args.quick and args.records is None else args.records or DEFAULT_RECORDS
    )
    wanted = set(args.only or (QUICK_CONFIGS if args.quick else [c.name for c in STREAM_CONFIGS]))
    records, _ = build_records(
        count, args.html_share, QUICK_PAGES_PER_CORPUS if args.quick else None
    )
    text_records = [r for r in records if r.kind == "text"]
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="bench-throughput-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"logs in {log_dir}", flush=True)
    rows: dict[str, Row] = {}

    def add(name: str, row: Row) -> None:
        rows[name] = row
        print("  " + " | ".join(row.cells()), flush=True)

    for config in STREAM_CONFIGS:
        if config.name not in wanted:
            continue
        inputs = text_records if config.text_only else records
        result = await run_stream(config.name, config.command, config.processes, inputs, log_dir)
        add(config.name, stream_row(config.label, result))
    backends = {} if args.stream_only else {"core-rs": "langdetect-rs"}
    if "worker-plain" in wanted and not args.stream_only:
        backends["core-plain"] = "langdetect"
    profiled: OfflineRun | None = None
    for name, backend in backends.items():
        # The profiling wrappers cost microseconds against milliseconds per record.
        core = run_core(records, backend, profile=args.profile and name == "core-rs")  # type: ignore[arg-type]
        profiled = profiled or (core if core.stage_seconds else None)
        add(name, offline_row(f"4{'p' if 'plain' in name else ''}. core alone, {backend}", core))
    if "worker-rs-text" in wanted and not args.stream_only:
        add(
            "core-rs-text",
            offline_row("4t. core alone, rs, text dumps", run_core(text_records, "langdetect-rs")),
        )
    if not (args.quick or args.stream_only) and (loop := user_loop_row(records)) is not None:
        add("user-loop", loop)
    print()
    print_table(list(rows.values()))
    print_ratios(rows)
    if profiled is not None:
        print_profile(profiled)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--records", type=int, help=f"records per run (default {DEFAULT_RECORDS:,})"
    )
    parser.add_argument("--quick", action="store_true", help="CI smoke: few records, fewer runs")
    parser.add_argument("--html-share", type=float, default=HTML_SHARE)
    parser.add_argument(
        "--only",
        nargs="+",
        choices=[c.name for c in STREAM_CONFIGS],
        help="streaming configurations to run (the core runs always)",
    )
    parser.add_argument(
        "--stream-only", action="store_true", help="skip the offline rows (core, user loop)"
    )
    parser.add_argument("--profile", action="store_true", help="print the core's time per stage")
    parser.add_argument("--log-dir", help="where the broker and consumer logs go")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
