"""The one entry point of the enrichment core: a received record in, an output record out.

Pure: no Kafka, no I/O, and the record depends on nothing but the input (stage timings are
measured for metrics but kept out of the record). The agents, the offline `enrich` command and
replay all call `process`, so they cannot drift apart. Read top to bottom: decode, main text,
dateline, language, publication date, record.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from worker import PIPELINE_VERSION
from worker.extract.chrome import strip_chrome
from worker.extract.dateline import split_dateline
from worker.extract.html import Landmarks, extract_main_text, find_landmarks, parse_html
from worker.extract.language import Backend, detect_language
from worker.extract.main_text import MainText
from worker.extract.pubdate import find_published_date
from worker.failures import ErrorCode, RecordRejected, Stage
from worker.identity import article_id, content_hash, site_of
from worker.records import (
    Headers,
    KafkaOrigin,
    Origin,
    RawArticle,
    Received,
    dead_letter_document,
    dead_letter_headers,
    encode,
    format_timestamp,
    is_blank,
    parse_raw_article,
)

DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024
# An exception's text can be huge (it may quote the input); the dead letter keeps its start.
MAX_MESSAGE_CHARS = 500


@dataclass(frozen=True, slots=True)
class PipelineOptions:
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    language_backend: Backend = "langdetect"


@dataclass(frozen=True, slots=True)
class Enriched:
    key: bytes
    value: bytes
    article: dict[str, Any]
    # Seconds spent in each stage; for metrics and profiling, never part of the record.
    stage_seconds: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def headers(self) -> Headers:
        """Lets consumers route or filter by language without decoding the value."""
        return (
            ("language", self.article["language"].encode()),
            ("pipeline.version", PIPELINE_VERSION.encode()),
        )


@dataclass(frozen=True, slots=True)
class DeadLetter:
    key: bytes | None
    value: bytes
    headers: Headers
    error: RecordRejected
    truncated: bool
    stage_seconds: dict[str, float] = field(default_factory=dict, compare=False)


Outcome = Enriched | DeadLetter


def process(received: Received, options: PipelineOptions = PipelineOptions()) -> Outcome:
    """Never raises: whatever goes wrong becomes a dead letter naming the stage it failed in."""
    timings: dict[str, float] = {}
    try:
        with _stage(Stage.DECODE, timings):
            raw = parse_raw_article(received.value, options.max_record_bytes)
        article = enrich_article(raw, received, options, timings)
        with _stage(Stage.ENCODE, timings):
            value = encode(article)
        return Enriched(article["id"].encode(), value, article, timings)
    except RecordRejected as rejected:
        return dead_letter(received, rejected, stage_seconds=timings)
    except _StepFailed as failed:
        cause = failed.__cause__
        message = f"{type(cause).__name__}: {cause}"[:MAX_MESSAGE_CHARS]
        rejected = RecordRejected(ErrorCode.EXTRACTION_FAILED, failed.stage, message)
        return dead_letter(received, rejected, stage_seconds=timings)


def dead_letter(
    received: Received,
    error: RecordRejected,
    keep_bytes: int | None = None,
    stage_seconds: dict[str, float] | None = None,
) -> DeadLetter:
    document = dead_letter_document(received, error, keep_bytes)
    return DeadLetter(
        key=received.key,
        value=encode(document),
        headers=dead_letter_headers(received, error),
        error=error,
        truncated=document["original"]["truncated"],
        stage_seconds=stage_seconds or {},
    )


class _StepFailed(Exception):
    """A bug or an unexpected input inside a step, tagged with the step it happened in."""

    def __init__(self, stage: Stage) -> None:
        super().__init__(stage)
        self.stage = stage


@contextmanager
def _stage(stage: Stage, timings: dict[str, float]) -> Iterator[None]:
    """Tags an unexpected error with its stage, and times the stage whatever happens."""
    started = time.perf_counter()
    try:
        yield
    except RecordRejected:
        raise
    except Exception as error:
        raise _StepFailed(stage) from error
    finally:
        timings[str(stage)] = time.perf_counter() - started


def enrich_article(
    raw: RawArticle, received: Received, options: PipelineOptions, timings: dict[str, float]
) -> dict[str, Any]:
    with _stage(Stage.MAIN_TEXT, timings):
        tree = parse_html(raw.html) if not is_blank(raw.html) else None
        landmarks = find_landmarks(tree) if tree is not None else None  # headline and date
        main = _main_text(raw, tree, landmarks)
    if is_blank(main.text):
        raise RecordRejected(
            ErrorCode.NO_TEXT,
            Stage.MAIN_TEXT,
            f"no article text left after removing chrome ({main.source})",
        )
    with _stage(Stage.DATELINE, timings):
        dateline, body = split_dateline(main.text)
    with _stage(Stage.LANGUAGE, timings):
        language = detect_language(body, options.language_backend)
    with _stage(Stage.PUBLISHED_DATE, timings):
        published = find_published_date(
            url=raw.url,
            tree=tree,
            landmarks=landmarks,
            dump=raw.text if tree is None else None,
            body=body,
            fetched_at=raw.fetched_at,
            dateline_date_text=dateline.date_text if dateline else None,
        )
    return {
        "id": raw.id or article_id(raw.url),
        "url": raw.url,
        "site": raw.site or site_of(raw.url),
        "title": main.title,
        "body": body,
        "language": language.code,
        "language_confidence": language.confidence,
        "dateline": None
        if dateline is None
        else {
            "location": dateline.location,
            "agency": dateline.agency,
            "date_text": dateline.date_text,
            "raw": dateline.raw,
        },
        "published_date": published.date.isoformat() if published else None,
        "published_source": published.source if published else None,
        "fetched_at": format_timestamp(raw.fetched_at) if raw.fetched_at else None,
        "word_count": len(body.split()),
        "content_hash": content_hash(main.title, body),
        "main_text_source": main.source,
        "pipeline_version": PIPELINE_VERSION,
        "source": _kafka_source(received.origin),
    }


def _kafka_source(origin: Origin | None) -> dict[str, Any] | None:
    if not isinstance(origin, KafkaOrigin):
        return None
    return {"topic": origin.topic, "partition": origin.partition, "offset": origin.offset}


def _main_text(raw: RawArticle, tree: Any, landmarks: Landmarks | None) -> MainText:
    """HTML when the crawler sent it; the text dump when there is no HTML or it held no article."""
    if tree is not None:
        from_html = extract_main_text(tree, landmarks)
        if not is_blank(from_html.text) or is_blank(raw.text):
            return from_html
    return strip_chrome(raw.text or "")
