"""Getting an outcome safely onto its output topic before the raw offset may be committed.

A send that fails is retried with backoff for as long as it takes: the raw record stays
unacknowledged (so uncommitted) until its enriched record or dead letter is on the broker.
A value the broker refuses as too large is turned into something it will take.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiokafka.errors import MessageSizeTooLargeError

from worker.failures import ErrorCode, RecordRejected, Stage
from worker.pipeline import DeadLetter, Enriched, Outcome, dead_letter
from worker.records import Headers, Received

log = logging.getLogger(__name__)

# Kafka refuses values over ~1 MB by default; a cut original, base64-encoded, must fit under it.
TRUNCATED_ORIGINAL_BYTES = 512 * 1024
RETRY_FIRST_DELAY_S = 0.5
RETRY_MAX_DELAY_S = 30.0

Send = Callable[[str, bytes | None, bytes, Headers], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class OutputTopics:
    enriched: str
    dead_letter: str
    # Also write each enriched record to `<enriched>.<language>`, for per-language indexes.
    by_language: bool = False

    def language_topic(self, language: str) -> str:
        return f"{self.enriched}.{language}"


def _is_too_large(error: BaseException) -> bool:
    while error is not None:
        if isinstance(error, MessageSizeTooLargeError):
            return True
        error = error.__cause__  # type: ignore[assignment]
    return False


async def deliver(
    outcome: Outcome, received: Received, topics: OutputTopics, send: Send
) -> Outcome:
    """Publish the outcome and return what was actually published, once the broker has it.

    Never raises: the caller must not move past a record whose output is not on the broker.
    """
    delay = RETRY_FIRST_DELAY_S
    while True:
        target = topics.enriched if isinstance(outcome, Enriched) else topics.dead_letter
        try:
            await send(target, outcome.key, outcome.value, outcome.headers)
        except Exception as error:
            smaller = _smaller(outcome, received) if _is_too_large(error) else None
            if smaller is not None:
                outcome = smaller
                continue
            log.warning("could not publish to %s (%r); retrying in %.1fs", target, error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY_S)
        else:
            if isinstance(outcome, Enriched) and topics.by_language:
                await _copy_to_language_topic(outcome, topics, send)
            return outcome


async def _copy_to_language_topic(outcome: Enriched, topics: OutputTopics, send: Send) -> None:
    """Retried like the main record: the raw offset must wait for the copy too. The copy is the
    same size as the record the broker just took, so it cannot be refused as too large."""
    target = topics.language_topic(outcome.article["language"])
    delay = RETRY_FIRST_DELAY_S
    while True:
        try:
            await send(target, outcome.key, outcome.value, outcome.headers)
            return
        except Exception as error:
            log.warning("could not publish to %s (%r); retrying in %.1fs", target, error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY_S)


def _smaller(outcome: Outcome, received: Received) -> DeadLetter | None:
    """What to send instead of a value the broker refused as too large, if anything is smaller."""
    if isinstance(outcome, Enriched):
        rejected = RecordRejected(
            ErrorCode.TOO_LARGE,
            Stage.PRODUCE,
            f"the enriched record ({len(outcome.value)} bytes) is larger than the broker accepts",
        )
        return dead_letter(received, rejected)
    if outcome.truncated or len(received.value or b"") <= TRUNCATED_ORIGINAL_BYTES:
        return None
    return dead_letter(received, outcome.error, keep_bytes=TRUNCATED_ORIGINAL_BYTES)
