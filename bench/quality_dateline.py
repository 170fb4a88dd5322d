"""Dateline quality: exact (location, date) on Reuters-21578 positives, false positives elsewhere.

Three measured sets: the corpus's dateline stories (exact match of location and date text, also
per `meta.variant`), the corpus's negatives (market tables, one-line flashes), and our own set of
label and sentence openings that share a dateline's shape but are not datelines.
"""

import time
from collections import defaultdict
from typing import Any

from bench.corpora import read_cases
from worker.extract.dateline import split_dateline

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
LOOKALIKE_BODY = "the government said on Monday it would raise taxes on fuel next year."


def lookalike_cases() -> list[str]:
    """Each look-alike opening twice: followed by a lower-case and a capitalised body sentence."""
    bodies = (LOOKALIKE_BODY, LOOKALIKE_BODY[0].upper() + LOOKALIKE_BODY[1:])
    return [opening + body for opening in LOOKALIKE_OPENINGS for body in bodies]


def _timed_split(texts: list[str]) -> tuple[list[Any], float]:
    """split_dateline over all texts; returns the datelines and the seconds spent in the calls."""
    started = time.perf_counter()
    found = [split_dateline(text)[0] for text in texts]
    return found, time.perf_counter() - started


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
    negatives = [case for case in cases if case["expected_dateline"] is None]
    rows: list[dict[str, Any]] = []

    found, seconds = _timed_split([case["text"] for case in positives])
    hits_by_variant: dict[str, list[bool]] = defaultdict(list)
    for case, dateline in zip(positives, found, strict=True):
        expected = case["expected_dateline"]
        got = None if dateline is None else (dateline.location, dateline.date_text)
        hit = got == (expected["location"], expected["date_text"])
        hits_by_variant[case["meta"]["variant"]].append(hit)
    all_hits = [hit for hits in hits_by_variant.values() for hit in hits]
    if all_hits:
        rows.append(
            _row("reuters_exact_match", sum(all_hits) / len(all_hits), seconds, len(all_hits))
        )
    for variant, hits in sorted(hits_by_variant.items()):
        share = seconds * len(hits) / len(all_hits)
        rows.append(
            _row(f"reuters_exact_match[{variant}]", sum(hits) / len(hits), share, len(hits))
        )

    found, seconds = _timed_split([case["text"] for case in negatives])
    if negatives:
        false_positives = sum(dateline is not None for dateline in found)
        rows.append(
            _row(
                "reuters_false_positive_rate",
                false_positives / len(negatives),
                seconds,
                len(negatives),
            )
        )

    lookalikes = lookalike_cases()
    found, seconds = _timed_split(lookalikes)
    false_positives = sum(dateline is not None for dateline in found)
    rows.append(
        _row(
            "lookalike_false_positive_rate",
            false_positives / len(lookalikes),
            seconds,
            len(lookalikes),
        )
    )
    return rows


def _print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'metric':<40} {'score':>7} {'pages/s':>10} {'n':>6}")
    for row in rows:
        print(f"{row['metric']:<40} {row['score']:>7.4f} {row['pages_per_s']:>10.1f} {row['n']:>6}")


if __name__ == "__main__":
    _print_table(measure())
