"""Running the faust worker in this process, on the configured broker or an embedded one."""

import asyncio
import logging
import signal
import types
from dataclasses import replace

import faust

from worker.logs import logging_config
from worker.settings import Settings
from worker.stream.app import build_app
from worker.stream.broker import EmbeddedBroker
from worker.stream.broker_wait import wait_for_broker

log = logging.getLogger(__name__)


def run_worker(settings: Settings) -> None:
    """Blocks until SIGINT/SIGTERM; faust commits what is done on the way out."""
    signal.signal(signal.SIGTERM, _stop_before_faust)
    broker: EmbeddedBroker | None = None
    if settings.broker is None:
        broker = EmbeddedBroker()
        asyncio.run(_start_embedded(broker, settings))
        settings = replace(settings, broker=broker.url)
        print(
            f"embedded broker listening on {broker.bootstrap}: produce raw articles to "
            f"{settings.raw_topic!r}, read {settings.enriched_topic!r} and "
            f"{settings.dead_letter_topic!r} (memory only: gone when the worker stops)",
            flush=True,
        )
    elif not asyncio.run(wait_for_broker(settings)):
        return
    try:
        worker = faust.Worker(
            build_app(settings),
            loglevel=settings.log_level.upper(),
            logging_config=logging_config(settings.log_level, settings.log_format),
            quiet=True,
        )
        worker.execute_from_commandline()
    finally:
        if broker is not None:
            broker.stop()


def _stop_before_faust(signum: int, frame: types.FrameType | None) -> None:
    """SIGTERM before faust has installed its own handler: nothing has been consumed yet, so
    stopping is a clean exit (0), not death by signal (-15)."""
    log.info("stopped during start-up")
    raise SystemExit(0)


async def _start_embedded(broker: EmbeddedBroker, settings: Settings) -> None:
    await broker.start()
    await broker.create_topics(
        [settings.raw_topic, settings.enriched_topic, settings.dead_letter_topic],
        settings.partitions,
    )
