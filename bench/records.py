"""The realistic record mix for the throughput benchmark, built from the shared dev corpora.

HTML pages come from the extraction, pubdate and segments dev sets; text dumps are those pages
flattened the way a crawler dumps visible text (chrome included), plus the wire stories of the
dateline set. When the corpora are absent (CI), the bundled sample articles stand in, so the
smoke test still runs; the numbers are then meaningless and the run says so.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import orjson

from bench import corpora

HTML_CORPORA = ("extraction", "pubdate", "segments")
DUMP_CORPORA = ("dateline",)
# The crawler's fetch time: after every page in the corpora, so no date is "in the future".
FETCHED_AT = "2026-11-24T00:00:00Z"
SHUFFLE_SEED = 6


@dataclass(frozen=True, slots=True)
class Pools:
    """Raw article fields (url plus html or text), one dict per distinct source document."""

    html_pages: list[dict[str, Any]]
    text_dumps: list[dict[str, Any]]
    from_corpora: bool


@dataclass(frozen=True, slots=True)
class BenchRecord:
    key: bytes
    value: bytes
    kind: str  # "html" or "text"


def load_pools(max_pages_per_corpus: int | None = None) -> Pools:
    """The corpora when present, else the bundled samples."""
    try:
        return _corpus_pools(max_pages_per_corpus)
    except FileNotFoundError:
        return _sample_pools()


def _corpus_pools(limit: int | None) -> Pools:
    from bench.quality_dumps import html_to_dump

    pages = []
    for name in HTML_CORPORA:
        for case in corpora.read_cases(name, limit):
            pages.append({"url": _http_url(case["url"], name, case["id"]), "html": case["html"]})
    dumps = [{"url": page["url"], "text": html_to_dump(page["html"])} for page in pages]
    for name in DUMP_CORPORA:
        for case in corpora.read_cases(name, limit):
            dumps.append({"url": f"https://{name}.example.org/{case['id']}", "text": case["text"]})
    dumps = [dump for dump in dumps if dump["text"].strip()]
    return Pools(html_pages=pages, text_dumps=dumps, from_corpora=True)


def _http_url(url: str, corpus: str, case_id: str) -> str:
    """The segments set names some pages `hard::<file>`; the raw contract needs http(s)."""
    return (
        url
        if url.startswith(("http://", "https://"))
        else f"https://{corpus}.example.org/{case_id}"
    )


def _sample_pools() -> Pools:
    pages: list[dict[str, Any]] = []
    dumps: list[dict[str, Any]] = []
    for sample in sorted(files("worker.samples").iterdir(), key=lambda entry: entry.name):
        if sample.name.endswith(".json"):
            fields = orjson.loads(sample.read_bytes())
            pool = pages if fields.get("html") else dumps
            pool.append({key: fields[key] for key in ("url", "html", "text") if fields.get(key)})
    return Pools(html_pages=pages or dumps, text_dumps=dumps or pages, from_corpora=False)


def mixed_records(pools: Pools, count: int, html_share: float) -> Iterator[BenchRecord]:
    """`count` records, `html_share` of them HTML pages, spread evenly so every prefix has the
    same mix (the baselines run on a prefix). Ids are unique; documents repeat in a fixed order."""
    rng = random.Random(SHUFFLE_SEED)
    html_order = rng.sample(pools.html_pages, len(pools.html_pages))
    dump_order = rng.sample(pools.text_dumps, len(pools.text_dumps))
    html_used = dumps_used = 0
    for index in range(count):
        is_html = int((index + 1) * html_share) > int(index * html_share)
        if is_html:
            fields = html_order[html_used % len(html_order)]
            html_used += 1
        else:
            fields = dump_order[dumps_used % len(dump_order)]
            dumps_used += 1
        record_id = f"bench-{index}"
        value = orjson.dumps({"id": record_id, **fields, "fetched_at": FETCHED_AT})
        yield BenchRecord(record_id.encode(), value, "html" if is_html else "text")
