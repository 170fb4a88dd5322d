"""The real embedded broker for the integration tests, and workers running against it."""

import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bench.chaos import Topics
from worker.stream.broker import EmbeddedBroker
from worker.stream.worker_process import WorkerProcess

pytestmark = pytest.mark.broker
_names = itertools.count()


@pytest.fixture(scope="session")
async def broker(tmp_path_factory) -> AsyncIterator[EmbeddedBroker]:
    log_path = tmp_path_factory.mktemp("broker") / "tansu.log"
    async with EmbeddedBroker(log_path=log_path) as running:
        yield running


@pytest.fixture
async def topics(broker: EmbeddedBroker) -> Topics:
    """Fresh topics and group per test, so tests never read each other's records."""
    prefix = f"t{next(_names)}"
    names = Topics(f"{prefix}.raw", f"{prefix}.enriched", f"{prefix}.deadletter", f"{prefix}-group")
    await broker.create_topics([names.raw, names.enriched, names.dead_letter], partitions=2)
    return names


@pytest.fixture
def start_worker(broker: EmbeddedBroker, topics: Topics, tmp_path: Path) -> Iterator:
    started: list[WorkerProcess] = []

    def start(extra_args: list[str] | None = None, entry_point: list[str] | None = None):
        process = WorkerProcess(
            broker.url,
            tmp_path / f"worker-{len(started)}.log",
            [*topics.worker_args(), *(extra_args or [])],
            entry_point,
        )
        process.start()
        started.append(process)
        return process

    yield start
    for process in started:
        if process.running:
            process.kill()
        print(f"--- {process.log_path}\n{process.log_path.read_text(errors='replace')[-3000:]}")
