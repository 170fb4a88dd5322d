"""Readers for the shared dev corpora; they stay outside the repo (research-only licences)."""

import lzma
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

CORPORA = Path(
    os.environ.get(
        "ARTICLE_WORKER_CORPORA", Path(__file__).resolve().parents[2] / "shared" / "corpora"
    )
)


def corpus_path(name: str) -> Path:
    """Path of a corpus's dev cases file (`.jsonl` or `.jsonl.xz`)."""
    folder = CORPORA / name / "dev"
    for candidate in ("cases.jsonl", "cases.jsonl.xz"):
        if (folder / candidate).exists():
            return folder / candidate
    raise FileNotFoundError(f"no dev cases for corpus {name!r} under {folder}")


def read_cases(name: str, limit: int | None = None) -> Iterator[dict[str, Any]]:
    path = corpus_path(name)
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rb") as lines:
        for count, line in enumerate(lines):
            if limit is not None and count >= limit:
                return
            yield orjson.loads(line)
