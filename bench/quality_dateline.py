"""Dateline quality: exact (location, date) on Reuters-21578 positives, false positives elsewhere.

Three measured sets: the corpus's dateline stories (exact match of location and date text, also
per `meta.variant`), the corpus's negatives (market tables, one-line flashes), and our own set of
label and sentence openings that share a dateline's shape but are not datelines.
"""

import time
from collections import defaultdict
from typing import Any

from bench.corpora import read_cases
from worker.extract.dateline import Dateline, split_dateline

TOOL = "article-worker"

# Openings invented for this benchmark: labels, captions, chrome and sentences with a colon or a
# dash where a dateline would sit. Each is followed by a body sentence, as in an extracted article.
LOOKALIKE_OPENINGS: tuple[str, ...] = (
    "UPDATE: ",
    "UPDATE 2-",
    "UPDATE 1-",
    "EXCLUSIVE: ",
    "EXCLUSIVE-",
    "FILE PHOTO: ",
    "EDITOR'S NOTE: ",
    "ANALYSIS-",
    "ANALYSIS: ",
    "AP FACT CHECK: ",
    "FACT CHECK: ",
    "WATCH: ",
    "WATCH LIVE: ",
    "BREAKING: ",
    "BREAKING NEWS - ",
    "OPINION: ",
    "Opinion: ",
    "Q&A: ",
    "Note: ",
    "NOTE: ",
    "Update: ",
    "Exclusive: ",
    "Watch: ",
    "Analysis — ",
    "LIVE UPDATES: ",
    "Live updates: ",
    "VIDEO: ",
    "PHOTOS: ",
    "Photo: ",
    "Read more: ",
    "READ MORE: ",
    "Related: ",
    "RELATED: ",
    "WARNING: ",
    "CORRECTION: ",
    "Correction: ",
    "CLARIFICATION: ",
    "SPECIAL REPORT-",
    "FACTBOX-",
    "EXPLAINER-",
    "INSIGHT-",
    "COLUMN-",
    "REFILE-",
    "CORRECTED-",
    "Published: March 3, 2024 ",
    "Updated: 10:30 am ",
    "Posted on March 3 - ",
    "By Jane Doe — ",
    "By JANE DOE, Associated Press — ",
    "Sponsored: ",
    "Advertisement: ",
    "Source: ",
    "Credit: ",
    "Background: ",
    "Summary: ",
    "Highlights: ",
    "ÚLTIMA HORA: ",
    "EXCLUSIVA: ",
    "Opinión: ",
    "VÍDEO: ",
    "EILMELDUNG: ",
    "Kommentar: ",
    "EXCLUSIF - ",
    "Vidéo : ",
    "ESCLUSIVO: ",
    "The minister said: ",
    "He told reporters: ",
    "She added — ",
    "In other words: ",
    "The question is simple: ",
    "The result - ",
    "NYSE INDEX AT 1530 - ",
    "DOW JONES 30 INDUSTRIALS - ",
    "TOKYO RUBBER (YEN PER KILO) - APRIL 07 ",
    "Chapter 3: ",
    "Step 1 - ",
    "Part two: ",
    "Scene: ",
    "What happened: ",
    "Why it matters: ",
    "The bottom line: ",
    "Fun fact: ",
    "Disclosure: ",
    "Monday, March 3, 2024 - ",
    "Sunday 3 March 2024 - ",
    "Prices rose sharply, March 3 - ",
    "Associated Press (AP) — ",
    "Getty Images (Getty) - ",
    "Joe Biden — ",
    "Earlier — ",
    "Fox News — ",
    "CNN — ",
    "CNN: ",
    "BBC News: ",
    "Wall Street Journal — ",
    "Trump (left) — ",
    "STEVE INSKEEP, HOST: ",
    "Morganti (Istruzione): ",
    "RÉPONSE : ",
    "NAPOMENA: ",
    "Home / News / World - ",
    "Photo by John Smith/Getty Images — ",
)
# The sentence after each opening: ordinary prose, so only the opening can cause a dateline.
# A headline paragraph put before each opening in the second half of the set.
LOOKALIKE_HEADLINE = "Fuel taxes to rise next year\n\n"
LOOKALIKE_BODY = "the government said on Monday it would raise taxes on fuel next year."


def lookalike_cases() -> list[str]:
    """Each look-alike opening before a lower-case and a capitalised body sentence, at the start
    of the body and again after a headline paragraph (where real datelines also sit)."""
    bodies = (LOOKALIKE_BODY, LOOKALIKE_BODY[0].upper() + LOOKALIKE_BODY[1:])
    openings = [opening + body for opening in LOOKALIKE_OPENINGS for body in bodies]
    return openings + [LOOKALIKE_HEADLINE + text for text in openings]


def _timed_split(texts: list[str]) -> tuple[list[Dateline | None], float]:
    """split_dateline over all texts; returns the datelines and the seconds spent in the calls."""
    started = time.perf_counter()
    found = [split_dateline(text)[0] for text in texts]
    return found, time.perf_counter() - started


def _matches(case: dict[str, Any], dateline: Dateline | None) -> bool:
    """Exact match of (location, date_text) against the case's label."""
    expected = case["expected_dateline"]
    got = None if dateline is None else (dateline.location, dateline.date_text)
    return got == (expected["location"], expected["date_text"])


def _row(metric: str, score: float, seconds: float, n: int) -> dict[str, Any]:
    return {
        "task": "dateline",
        "tool": TOOL,
        "metric": metric,
        "score": round(score, 4),
        "pages_per_s": round(n / seconds, 1) if seconds > 0 else 0.0,
        "n": n,
    }


def measure(limit: int | None = None) -> list[dict[str, Any]]:
    """Rows for the Reuters positives (overall and per variant), its negatives, our look-alikes."""
    cases = list(read_cases("dateline", limit))
    positives = [case for case in cases if case["expected_dateline"] is not None]
    negatives = [case["text"] for case in cases if case["expected_dateline"] is None]
    rows = _positive_rows(positives)
    if negatives:
        rows.append(_false_positive_row("reuters_false_positive_rate", negatives))
    rows.append(_false_positive_row("lookalike_false_positive_rate", lookalike_cases()))
    return rows


def _positive_rows(positives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Exact-match rows: all positives first, then one per `meta.variant`."""
    by_variant: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in positives:
        by_variant[case["meta"]["variant"]].append(case)
    variant_rows: list[dict[str, Any]] = []
    total_hits, total_seconds = 0, 0.0
    for variant, group in sorted(by_variant.items()):
        found, seconds = _timed_split([case["text"] for case in group])
        hits = sum(_matches(case, dateline) for case, dateline in zip(group, found, strict=True))
        variant_rows.append(
            _row(f"reuters_exact_match[{variant}]", hits / len(group), seconds, len(group))
        )
        total_hits, total_seconds = total_hits + hits, total_seconds + seconds
    if not positives:
        return variant_rows
    overall = _row(
        "reuters_exact_match", total_hits / len(positives), total_seconds, len(positives)
    )
    return [overall, *variant_rows]


def _false_positive_row(metric: str, texts: list[str]) -> dict[str, Any]:
    """Share of texts that (wrongly) yield a dateline."""
    found, seconds = _timed_split(texts)
    false_positives = sum(dateline is not None for dateline in found)
    return _row(metric, false_positives / len(texts), seconds, len(texts))


def _print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'metric':<40} {'score':>7} {'pages/s':>10} {'n':>6}")
    for row in rows:
        print(f"{row['metric']:<40} {row['score']:>7.4f} {row['pages_per_s']:>10.1f} {row['n']:>6}")


if __name__ == "__main__":
    _print_table(measure())
