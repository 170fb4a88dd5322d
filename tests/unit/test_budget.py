"""The per-record time budget: an overstaying or crashing record becomes a dead letter, the
next record gets a fresh core, and the event loop keeps running while a record is worked on."""

import asyncio
import os
import time

import pytest

from worker.failures import ErrorCode, Stage
from worker.pipeline import DeadLetter, Enriched, Outcome, PipelineOptions, process
from worker.records import Received
from worker.settings import SettingsError, load_settings
from worker.stream.budget import BudgetedCore

ARTICLE = b'{"url": "https://example.org/a", "text": "A short article about the harbour."}'
BUDGET_S = 1.0
# The child is killed at the budget; its replacement starts outside it. Room for a loaded CI box.
KILL_SLACK_S = 1.5


def misbehaving_core(received: Received, options: PipelineOptions) -> Outcome:
    """The real core, except for marker records: module level, so the child can import it."""
    value = received.value or b""
    if b"STALL" in value:
        time.sleep(600)
    if b"CRASH" in value:
        os._exit(3)
    if b"SLOW" in value:
        time.sleep(0.6)
    return process(received, options)


def record(marker: str = "") -> Received:
    return Received(ARTICLE.replace(b"harbour", f"harbour {marker}".encode()), None, (), None)


@pytest.fixture
async def core():
    budgeted = BudgetedCore(PipelineOptions(), BUDGET_S, misbehaving_core)
    yield budgeted
    budgeted.close()


async def test_a_record_over_budget_is_a_timeout_and_the_next_one_is_enriched(core) -> None:
    assert isinstance(await core.process(record()), Enriched)
    started = time.monotonic()
    stalled = await core.process(record("STALL"))
    assert time.monotonic() - started < BUDGET_S + KILL_SLACK_S
    assert isinstance(stalled, DeadLetter)
    assert (stalled.error.code, stalled.error.stage) == (ErrorCode.TIMEOUT, Stage.ENRICH)
    assert isinstance(await core.process(record()), Enriched)
    again = await core.process(record("STALL"))
    assert again.value == stalled.value, "a retried record must give an identical dead letter"


async def test_a_record_that_kills_the_core_is_dead_lettered_with_the_exit_code(core) -> None:
    crashed = await core.process(record("CRASH"))
    assert isinstance(crashed, DeadLetter)
    assert (crashed.error.code, crashed.error.stage) == (ErrorCode.EXTRACTION_FAILED, Stage.ENRICH)
    assert "exit code 3" in crashed.error.message
    assert isinstance(await core.process(record()), Enriched)


async def test_the_event_loop_runs_while_a_record_is_worked_on(core) -> None:
    await core.process(record())  # the child's start is not what this test measures
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.05)

    ticker = asyncio.create_task(tick())
    try:
        assert isinstance(await core.process(record("SLOW")), Enriched)
    finally:
        ticker.cancel()
    assert ticks >= 5, "a slow record held the event loop (heartbeats would stop)"


async def test_a_record_cancelled_mid_way_does_not_answer_for_the_next_one(core) -> None:
    slow = asyncio.create_task(core.process(record("SLOW")))
    await asyncio.sleep(0.3)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    answer = await core.process(record("after-the-cancel"))
    assert isinstance(answer, Enriched)
    assert "after-the-cancel" in answer.article["body"]


async def test_the_cores_own_dead_letters_come_back_whole(core) -> None:
    """Regression: RecordRejected did not survive pickling, so every dead letter made by the
    core crashed the agent on its way back from the child."""
    letter = await core.process(
        Received(b'{"url": "https://example.org/a", "text": ', None, (), None)
    )
    assert isinstance(letter, DeadLetter)
    assert (letter.error.code, letter.error.stage) == (ErrorCode.NOT_JSON, Stage.DECODE)
    assert letter.error.message.startswith("the value is not JSON")


@pytest.mark.parametrize("seconds", ["0", "-1", "301"])
def test_a_budget_that_is_no_budget_is_refused(seconds: str) -> None:
    with pytest.raises(SettingsError, match="record_timeout_s"):
        load_settings({"record_timeout_s": seconds}, environ={})


def test_the_budget_defaults_to_five_seconds_and_comes_from_the_environment() -> None:
    assert load_settings(environ={}).record_timeout_s == 5.0
    environ = {"ARTICLE_WORKER_RECORD_TIMEOUT_S": "2.5"}
    assert load_settings(environ=environ).record_timeout_s == 2.5


async def test_overlapping_records_each_get_their_own_answer(core) -> None:
    markers = [f"number-{index}" for index in range(40)]
    answers = await asyncio.gather(*(core.process(record(marker)) for marker in markers))
    bodies = [answer.article["body"] for answer in answers]
    assert all(marker in body for marker, body in zip(markers, bodies, strict=True))


async def test_a_queued_records_budget_starts_when_the_core_is_free_for_it(core) -> None:
    """Three records of 0.6 s sent together take 1.8 s, beyond the 1 s budget: each is still
    within its own budget, counted from the previous record's answer."""
    await core.process(record())  # the child's start is not what this test measures
    answers = await asyncio.gather(*(core.process(record("SLOW")) for _ in range(3)))
    assert all(isinstance(answer, Enriched) for answer in answers)


async def test_records_queued_behind_a_stalled_one_are_enriched_by_the_next_core(core) -> None:
    batch = [record("before"), record("STALL"), record("CRASH"), record("after")]
    answers = await asyncio.gather(*(core.process(received) for received in batch))
    assert isinstance(answers[0], Enriched) and "before" in answers[0].article["body"]
    assert isinstance(answers[1], DeadLetter) and answers[1].error.code == ErrorCode.TIMEOUT
    assert isinstance(answers[2], DeadLetter)
    assert answers[2].error.code == ErrorCode.EXTRACTION_FAILED
    assert isinstance(answers[3], Enriched) and "after" in answers[3].article["body"]
