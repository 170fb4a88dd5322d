"""The two public metrics for main text, shared by every benchmark that scores extracted text.

Zyte's article-extraction benchmark: `\\w+` tokens, 4-gram shingle multisets, per-page precision
and recall averaged over pages, F1 of the means. trafilatura's evaluation: whitespace-folded
substring match of each `with` (must appear) and `without` (must not) segment, micro F1.
"""

import re
from collections import Counter
from collections.abc import Iterable

TOKEN_RE = re.compile(r"\w+")  # the Zyte benchmark's tokeniser
SHINGLE_N = 4  # the Zyte benchmark's shingle size


def shingles(text: str) -> Counter[str]:
    """Multiset of 4-token shingles, as the Zyte benchmark builds them (short texts give one)."""
    tokens = TOKEN_RE.findall(text or "")
    count = max(1, len(tokens) - SHINGLE_N + 1)
    return Counter(" ".join(tokens[i : i + SHINGLE_N]) for i in range(count) if tokens[i:])


def page_precision_recall(expected: str, predicted: str) -> tuple[float, float]:
    """Per-page shingle precision and recall with the benchmark's conventions for empty sides."""
    truth, guess = shingles(expected), shingles(predicted)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    if fp == fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def shingle_f1(pairs: Iterable[tuple[str, str]]) -> tuple[float, float, float]:
    """(F1, P, R) over (expected, predicted) pages: F1 of the mean per-page P and R."""
    scores = [page_precision_recall(expected, predicted) for expected, predicted in pairs]
    if not scores:
        return 0.0, 0.0, 0.0
    precision = sum(p for p, _ in scores) / len(scores)
    recall = sum(r for _, r in scores) / len(scores)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def fold_spaces(text: str) -> str:
    return " ".join(text.split())


def segment_counts(predicted: str, wanted: list[str], unwanted: list[str]) -> tuple[int, int, int]:
    """(tp, fp, fn) of one page: `with` segments found, `without` found, `with` missing."""
    output = fold_spaces(predicted)
    keep = [fold_spaces(s) for s in wanted if s]
    drop = [fold_spaces(s) for s in unwanted if s]
    tp = sum(1 for segment in keep if segment in output)
    fp = sum(1 for segment in drop if segment in output)
    return tp, fp, len(keep) - tp


def segments_f1(counts: Iterable[tuple[int, int, int]]) -> float:
    tp = fp = fn = 0
    for page_tp, page_fp, page_fn in counts:
        tp, fp, fn = tp + page_tp, fp + page_fp, fn + page_fn
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
