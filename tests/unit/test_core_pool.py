"""Several core processes behind one worker: records are spread over them, every record still
gets its own answer, and a stalled record costs only its own process."""

import asyncio
import os
from dataclasses import replace

import pytest

from tests.unit.test_budget import BUDGET_S, misbehaving_core, record
from worker.failures import ErrorCode
from worker.pipeline import DeadLetter, Enriched, Outcome, PipelineOptions
from worker.records import Received
from worker.settings import SettingsError, load_settings
from worker.stream.core_pool import CorePool


def pid_core(received: Received, options: PipelineOptions) -> Outcome:
    """`misbehaving_core` that writes the process id it ran in into the article."""
    value = (received.value or b"").replace(b"PID", str(os.getpid()).encode())
    return misbehaving_core(replace(received, value=value), options)


@pytest.fixture
async def pool():
    cores = CorePool(PipelineOptions(), BUDGET_S, 2, pid_core)
    yield cores
    cores.close()


def body(outcome: Outcome) -> str:
    assert isinstance(outcome, Enriched)
    return outcome.article["body"]


async def test_a_batch_is_spread_over_the_processes_and_answered_record_by_record(pool) -> None:
    answers = await asyncio.gather(*(pool.process(record(f"n{i} pid PID")) for i in range(12)))
    for index, answer in enumerate(answers):
        assert f"n{index} pid" in body(answer)
    pids = {body(answer).split(" pid ")[1].split()[0] for answer in answers}
    assert len(pids) == 2 and str(os.getpid()) not in pids


async def test_a_stalled_record_is_dead_lettered_and_every_other_record_enriched(pool) -> None:
    marks = ["STALL", *(f"n{i}" for i in range(6))]
    answers = await asyncio.gather(*(pool.process(record(mark)) for mark in marks))
    assert isinstance(answers[0], DeadLetter) and answers[0].error.code is ErrorCode.TIMEOUT
    for mark, answer in zip(marks[1:], answers[1:], strict=True):
        assert mark in body(answer)


@pytest.mark.parametrize("count", ["0", "-1", "65"])
def test_core_processes_out_of_range_is_refused(count: str) -> None:
    with pytest.raises(SettingsError, match="core_processes"):
        load_settings(environ={"ARTICLE_WORKER_CORE_PROCESSES": count})


def test_core_processes_defaults_to_one() -> None:
    assert load_settings(environ={}).core_processes == 1
