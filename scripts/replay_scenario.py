"""The replay and redrive walkthrough (docs/replay-and-redrive.md) in one go, with the same
`article-worker` commands a person would type in three terminals:

    .venv/bin/python scripts/replay_scenario.py

An embedded broker; 2,000 raw records (some broken, some oversized) processed by a worker whose
record limit is too low; the raw topic replayed twice into new topics and the two compared byte
for byte; the worker restarted with the default limit (the fix) and the too_large dead letters
redriven until they come out enriched. Exits 0 only if every check holds.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from worker.stream.broker import free_port
from worker.stream.worker_process import stop_process

FEED_RECORDS = 2000
LOW_LIMIT = "65536"  # what scripts/sample_feed.py sizes its oversized pages against
WAIT_S = 300.0
STOP_S = 30.0
COMMAND = [sys.executable, "-m", "worker"]
ROOT = Path(__file__).resolve().parents[1]


def show(args: list[str]) -> None:
    print(f"\n$ article-worker {' '.join(args)}", flush=True)


def run(args: list[str], output: Path | None = None) -> str:
    """Run a command to completion; its stdout goes to `output` (a file) or is returned."""
    show([*args, ">", str(output)] if output else args)
    if output is not None:
        with open(output, "wb") as sink:
            subprocess.run([*COMMAND, *args], stdout=sink, check=True, cwd=ROOT)
        return ""
    done = subprocess.run([*COMMAND, *args], stdout=subprocess.PIPE, check=True, cwd=ROOT)
    print(done.stdout.decode(), end="", flush=True)
    return done.stdout.decode()


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    show([*args, "&", f"(log: {log})"])
    with open(log, "ab") as sink:
        return subprocess.Popen([*COMMAND, *args], stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT)


def stop(process: subprocess.Popen[bytes]) -> None:
    stop_process(process, STOP_S)


def count(broker: list[str], topic: str) -> int:
    done = subprocess.run(
        [*COMMAND, "dump", *broker, "--topic", topic, "--count"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        check=True,
        cwd=ROOT,
    )
    return int(done.stdout)


def wait_for(broker: list[str], topics: list[str], expected: int) -> float:
    started = time.monotonic()
    while True:
        seen = sum(count(broker, topic) for topic in topics)
        print(f"  {seen:,}/{expected:,} records in {' + '.join(topics)}", flush=True)
        if seen >= expected:
            return time.monotonic() - started
        if time.monotonic() - started > WAIT_S:
            raise SystemExit(f"gave up: only {seen} of {expected} records after {WAIT_S:.0f}s")
        time.sleep(3)


def check(condition: bool, what: str) -> None:
    print(f"CHECK {'ok  ' if condition else 'FAIL'} {what}", flush=True)
    if not condition:
        raise SystemExit(1)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="replay-scenario-"))
    feed = work / "feed.jsonl"
    subprocess.run(
        [sys.executable, "scripts/sample_feed.py", "--count", str(FEED_RECORDS), "--output", feed],
        check=True,
        cwd=ROOT,
    )
    port = free_port()
    broker_process = start(["broker", "--port", str(port)], work / "broker.log")
    workers: list[subprocess.Popen[bytes]] = []
    try:
        time.sleep(3)
        broker = ["--broker", f"kafka://127.0.0.1:{port}"]
        web = ["--web-port", str(free_port())]
        workers.append(start(["run", *broker, *web, "--max-record-bytes", LOW_LIMIT], work / "w1"))
        run(["produce", *broker, "--input", str(feed)])
        took = wait_for(broker, ["articles.enriched", "articles.deadletter"], FEED_RECORDS)
        print(f"  the worker took {took:.0f}s", flush=True)
        letters = count(broker, "articles.deadletter")

        for name in ("v2a", "v2b"):
            run(
                [
                    "replay",
                    *broker,
                    "--from-beginning",
                    "--output-topic",
                    f"articles.enriched.{name}",
                ]
            )
            run(["dump", *broker, "--topic", f"articles.enriched.{name}"], work / f"{name}.jsonl")
        first, second = (work / "v2a.jsonl").read_bytes(), (work / "v2b.jsonl").read_bytes()
        check(first == second and len(first) > 0, "the two replays are byte-identical")

        stop(workers.pop())
        run(["redrive", *broker, "--code", "too_large", "--dry-run"])
        redrove = run(["redrive", *broker, "--code", "too_large"])
        sent = int(redrove.splitlines()[-1].split()[2].replace(",", ""))
        check(sent > 0, f"{sent} too_large dead letters redriven")
        workers.append(start(["run", *broker, *web], work / "w2"))
        enriched_before = FEED_RECORDS - letters
        wait_for(broker, ["articles.enriched"], enriched_before + sent)
        check(
            count(broker, "articles.deadletter") == letters,
            "no new dead letters: every redriven record was enriched",
        )
        print(f"\nlogs and dumps in {work}")
        return 0
    finally:
        for worker in workers:
            stop(worker)
        stop(broker_process)


if __name__ == "__main__":
    raise SystemExit(main())
