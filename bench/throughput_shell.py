"""The framework limit: faust moving raw bytes from the raw topic to the output, no enrichment.

`default`: a faust agent as the faust docs write one (faust's default settings, one event at a
time, each send awaited) - the baseline the tuning is measured against.
`tuned`: the worker's own app (worker/stream/app.py, all its tuning, the core's child process and
its pipe included) with the core replaced by a forwarder, so the difference to the full worker is
the core's cost alone.
`inline`: the same, with the forwarder called in the worker's own process: the faust tuning alone,
without the per-record round trip to the core's child process.

Run as a process by the throughput benchmark: `python -m bench.throughput_shell default|tuned ...`.
"""

import argparse
import inspect
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from typing import Any

import faust

import worker.stream.app
from worker.cli import main as worker_main
from worker.pipeline import Enriched, PipelineOptions
from worker.records import Received
from worker.settings import Settings
from worker.stream.core_pool import CorePool


def forward(received: Received, options: PipelineOptions) -> Enriched:
    """The raw value as the 'enriched' record, so routing and publishing stay the worker's."""
    return Enriched(key=received.key or b"", value=received.value or b"", article={"language": ""})


class InlineForwarder:
    """Stands in for `CorePool`: same call, no child process."""

    def __init__(self, options: PipelineOptions, budget_s: float, size: int) -> None:
        self.options = options

    async def process(self, received: Received) -> Enriched:
        return forward(received, self.options)


def use_core(factory: Callable[[PipelineOptions, float, int], Any]) -> None:
    """Build the worker's app with `factory` in place of `CorePool`. Fails loudly when the app
    no longer builds its core from that name: the tuned rows once ran the real core unnoticed."""
    if "CorePool(" not in inspect.getsource(worker.stream.app.build_app):
        raise RuntimeError("worker.stream.app.build_app no longer builds its core with CorePool")
    worker.stream.app.CorePool = factory


def run_default(broker: str, source: str, target: str, group: str, web_port: int) -> None:
    # Only what Tansu and the benchmark's 1.6 MB pages need is changed from faust's defaults.
    session_timeout = Settings().session_timeout_s
    app = faust.App(
        group,
        broker=broker,
        key_serializer="raw",
        value_serializer="raw",
        web_port=web_port,
        web_host="127.0.0.1",
        web_bind="127.0.0.1",
        datadir=tempfile.mkdtemp(prefix="bench-faust-default-"),
        broker_session_timeout=session_timeout,
        broker_heartbeat_interval=session_timeout / 4,
        consumer_auto_offset_reset="earliest",
        consumer_max_fetch_size=16 << 20,
        producer_max_request_size=64 << 20,
        topic_disable_leader=True,
    )
    source_topic = app.topic(source, key_type=bytes, value_type=bytes)

    @app.agent(source_topic)
    async def pass_through(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await app.producer.send_and_wait(target, event.key, event.value, None, None, None)

    faust.Worker(app, loglevel="WARNING", quiet=True).execute_from_commandline()


def main() -> None:
    mode, rest = sys.argv[1], sys.argv[2:]
    if mode == "inline":
        use_core(InlineForwarder)
        sys.argv = [sys.argv[0], *rest]
        sys.exit(worker_main())
    if mode == "tuned":
        # The core's child process imports the forwarder by module name, not as __main__.
        from bench.throughput_shell import forward as importable_forward

        use_core(partial(CorePool, core=importable_forward))
        sys.argv = [sys.argv[0], *rest]
        sys.exit(worker_main())
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--broker", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--web-port", type=int, required=True)
    args = parser.parse_args(rest)
    sys.argv = [sys.argv[0], "worker"]
    run_default(args.broker, args.source, args.target, args.group, args.web_port)


if __name__ == "__main__":
    main()
