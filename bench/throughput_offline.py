"""The offline side of the throughput benchmark: the core alone on the same records, the core's
time per stage (the profiling flag), and the loop a user would otherwise write."""

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import orjson

import worker.pipeline
from bench.records import BenchRecord
from worker.extract.language import Backend
from worker.pipeline import PipelineOptions, process
from worker.records import Received

# The core's steps as `worker.pipeline` calls them, by the stage names of the issue. The names are
# rebound in that module's namespace only while profiling, so the core pays nothing otherwise.
PROFILED_STEPS = {
    "parse_raw_article": "decode",
    "parse_html": "HTML parse",
    "extract_main_text": "HTML main text",
    "strip_chrome": "chrome (dumps)",
    "split_dateline": "dateline",
    "detect_language": "language",
    "find_published_date": "date",
    "encode": "encode",
}


@dataclass(frozen=True, slots=True)
class OfflineRun:
    records: int
    seconds: float
    input_bytes: int
    stage_seconds: dict[str, float]


def run_core(records: list[BenchRecord], backend: Backend, profile: bool = False) -> OfflineRun:
    options = PipelineOptions(language_backend=backend)
    stage_seconds: dict[str, float] = defaultdict(float)
    process(Received(records[0].value, records[0].key, (), None), options)  # loads the profiles
    with _timed_steps(stage_seconds) if profile else _nothing():
        started = time.perf_counter()
        for record in records:
            process(Received(record.value, record.key, (), None), options)
        seconds = time.perf_counter() - started
    return OfflineRun(
        len(records), seconds, sum(len(r.value) for r in records), dict(stage_seconds)
    )


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def _timed_steps(totals: dict[str, float]) -> Iterator[None]:
    originals = {name: getattr(worker.pipeline, name) for name in PROFILED_STEPS}
    for name, step in originals.items():
        setattr(worker.pipeline, name, _timed(step, PROFILED_STEPS[name], totals))
    try:
        yield
    finally:
        for name, step in originals.items():
            setattr(worker.pipeline, name, step)


def _timed(step: Callable[..., Any], stage: str, totals: dict[str, float]) -> Callable[..., Any]:
    def timed_step(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            totals[stage] += time.perf_counter() - started

    return timed_step


def user_loop_available() -> bool:
    try:
        import htmldate  # noqa: F401
        import langdetect  # noqa: F401
        import trafilatura  # noqa: F401
    except ImportError:
        return False
    return True


def run_user_loop(records: list[BenchRecord]) -> OfflineRun:
    """What a user would run without the worker: trafilatura for the text and htmldate for the date
    of HTML pages, langdetect on the text (a dump has no extractor; its whole text is detected)."""
    import htmldate
    import langdetect
    import trafilatura

    langdetect.DetectorFactory.seed = 0
    started = time.perf_counter()
    for record in records:
        fields = orjson.loads(record.value)
        text = fields.get("text") or ""
        if fields.get("html"):
            text = trafilatura.extract(fields["html"], url=fields["url"]) or ""
            htmldate.find_date(fields["html"], url=fields["url"])
        with suppress(langdetect.LangDetectException):
            langdetect.detect(text)
    seconds = time.perf_counter() - started
    return OfflineRun(len(records), seconds, sum(len(r.value) for r in records), {})
