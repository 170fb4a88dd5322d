"""`article-worker demo`: the whole product in one command on the embedded broker.

Starts Tansu and a worker process, feeds the seed article (when ../shared/corpora is beside the
checkout), the bundled sample pages and a set of bad payloads, prints what came out of each
output topic, and exits 0 only if every record came back enriched or dead-lettered.
"""

import asyncio
import logging
import tempfile
from collections import Counter
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson

from worker.settings import Settings
from worker.stream.broker import EmbeddedBroker
from worker.stream.probe import RawMessage, produce, read_until
from worker.stream.worker_process import WorkerProcess

SEED_CASE = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "seed" / "case.json"
OUTPUT_TIMEOUT_S = 120.0
BODY_PREVIEW_WORDS = 12


def sample_articles() -> list[RawMessage]:
    messages = []
    if SEED_CASE.exists():
        raw = orjson.loads(SEED_CASE.read_bytes())["raw"]
        messages.append(RawMessage(orjson.dumps(raw), b"seed"))
    for sample in sorted(files("worker.samples").iterdir(), key=lambda entry: entry.name):
        if sample.name.endswith(".json"):
            messages.append(RawMessage(sample.read_bytes(), sample.name.encode()))
    return messages


def bad_payloads(max_record_bytes: int) -> list[tuple[str, RawMessage]]:
    """One payload per error code a crawler can cause, with the code it must come back with."""
    article = b'{"url": "https://example.org/a", "text": "Some words."}'
    return [
        ("not_utf8", RawMessage(b'{"url": "https://example.org/\xff", "text": "x"}', b"bad-utf8")),
        ("not_json", RawMessage(b'{"url": "https://example.org/a", "text": ', b"bad-json")),
        ("not_object", RawMessage(b'["https://example.org/a"]', b"bad-array")),
        ("empty", RawMessage(b"", b"bad-empty")),
        ("missing_field", RawMessage(b'{"text": "An article without a URL."}', b"bad-no-url")),
        ("wrong_type", RawMessage(b'{"url": "https://example.org/a", "text": 42}', b"bad-type")),
        ("bad_url", RawMessage(article.replace(b"https://example.org/a", b"/a"), b"bad-url")),
        ("no_text", RawMessage(b'{"url": "https://example.org/a", "html": "  "}', b"bad-blank")),
        (
            "too_large",
            RawMessage(
                orjson.dumps(
                    {"url": "https://example.org/big", "text": "w" * (max_record_bytes + 1)}
                ),
                b"bad-large",
            ),
        ),
    ]


def _describe_enriched(article: dict[str, Any]) -> str:
    dateline = article["dateline"]
    preview = " ".join(article["body"].split()[:BODY_PREVIEW_WORDS])
    return (
        f"  id={article['id']} language={article['language']} "
        f"dateline={dateline['location'] if dateline else None} "
        f"published_date={article['published_date']} ({article['published_source']})\n"
        f"    title: {article['title']}\n    body:  {preview} ...\n"
        f"    ends:  ... {article['body'][-60:]}"
    )


def run_demo(settings: Settings) -> int:
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    return asyncio.run(_demo(settings))


async def _demo(settings: Settings) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="article-worker-demo-"))
    good = sample_articles()
    bad = bad_payloads(settings.max_record_bytes)
    async with EmbeddedBroker(log_path=workdir / "broker.log") as broker:
        topics = [settings.raw_topic, settings.enriched_topic, settings.dead_letter_topic]
        await broker.create_topics(topics, settings.partitions)
        print(
            f"embedded broker on {broker.bootstrap}; worker log: {workdir / 'worker.log'}",
            flush=True,
        )
        worker = WorkerProcess(
            broker.url,
            workdir / "worker.log",
            ["--language-backend", settings.language_backend, "--log-level", "warning"],
        )
        worker.start()
        try:
            messages = good + [message for _, message in bad]
            await produce(broker.bootstrap, settings.raw_topic, messages)
            print(
                f"produced {len(good)} articles and {len(bad)} bad payloads to {settings.raw_topic}"
            )
            outputs = await read_until(
                broker.bootstrap, topics[1:], len(messages), OUTPUT_TIMEOUT_S
            )
        finally:
            exit_code = worker.stop()
    return _report(outputs, good, bad, settings, exit_code)


def _report(
    outputs: list[Any],
    good: list[RawMessage],
    bad: list[tuple[str, RawMessage]],
    settings: Settings,
    worker_exit_code: int,
) -> int:
    enriched = [o for o in outputs if o.topic == settings.enriched_topic]
    letters = [o for o in outputs if o.topic == settings.dead_letter_topic]
    print(f"\n== {settings.enriched_topic}: {len(enriched)} records")
    for record in sorted(enriched, key=lambda r: r.key or b""):
        print(_describe_enriched(orjson.loads(record.value)))
    print(f"\n== {settings.dead_letter_topic}: {len(letters)} records")
    codes: Counter[str] = Counter()
    for record in letters:
        error = orjson.loads(record.value)["error"]
        codes[error["code"]] += 1
        key = (record.key or b"").decode(errors="replace")
        print(f"  key={key} {error['code']}: {error['message'][:90]}")
    expected = Counter(code for code, _ in bad)
    complete = len(enriched) == len(good) and codes == expected
    print(
        f"\nsummary: {len(good) + len(bad)} sent, {len(enriched)} enriched, {len(letters)} "
        f"dead-lettered, worker exited with {worker_exit_code}: "
        + ("every record accounted for" if complete else "MISSING OR UNEXPECTED OUTPUT")
    )
    return 0 if complete and worker_exit_code == 0 else 1
