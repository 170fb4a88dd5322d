"""Waiting for the broker before the worker starts.

faust gives up at once (exit code 1) when it cannot bootstrap, so a worker started before its
broker, or during a broker restart, would die. The runner waits here instead, with backoff and a
plain log line per attempt, and starts faust once the broker answers a metadata request.
"""

import asyncio
import contextlib
import logging
import signal

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from worker.settings import Settings
from worker.stream.credentials import client_options

log = logging.getLogger(__name__)

FIRST_DELAY_S = 1.0
# Short enough that a worker starts within seconds of its broker, long enough not to hammer it.
MAX_DELAY_S = 10.0


async def wait_for_broker(
    settings: Settings, first_delay_s: float = FIRST_DELAY_S, max_delay_s: float = MAX_DELAY_S
) -> bool:
    """True once the broker answers; False if SIGTERM or SIGINT came first (stop, not an error)."""
    loop = asyncio.get_running_loop()
    waiting = asyncio.current_task()
    assert waiting is not None
    stop_signals = (signal.SIGTERM, signal.SIGINT)
    previous = {stop: signal.getsignal(stop) for stop in stop_signals}
    for stop in stop_signals:
        loop.add_signal_handler(stop, waiting.cancel)
    delay = first_delay_s
    attempt = 1
    try:
        while (problem := await _problem(settings)) is not None:
            log.warning(
                "broker %s not reachable (%s, attempt %d); retrying in %.0f s",
                settings.bootstrap_servers,
                problem,
                attempt,
                delay,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay_s)
            attempt += 1
    except asyncio.CancelledError:
        log.info("stopped while waiting for the broker")
        return False
    finally:
        for stop in stop_signals:
            loop.remove_signal_handler(stop)
            signal.signal(stop, previous[stop])  # removing set the default (death by signal)
    if attempt > 1:
        log.info("broker %s reachable after %d attempts", settings.bootstrap_servers, attempt)
    return True


async def _problem(settings: Settings) -> str | None:
    """Why the broker does not answer a metadata request, or None when it does."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    client_log = logging.getLogger("aiokafka")
    level = client_log.level
    client_log.setLevel(logging.CRITICAL)  # one plain line per attempt, ours, not the client's
    try:
        await admin.start()
        await admin.describe_cluster()
    except (KafkaError, OSError) as error:
        return str(error) or type(error).__name__
    finally:
        client_log.setLevel(level)
        with contextlib.suppress(KafkaError, OSError):
            await admin.close()
    return None
