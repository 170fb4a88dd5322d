"""Publication-date quality: exact-day accuracy on the pubdate dev pages (no answer is wrong).

Our tool is timed on parsing (LexborHTMLParser) plus `find_published_date`, given the URL,
fetched_at=None, dump=None and body = the tree's body text (a stand-in for the extracted body,
which the pipeline gets from the main-text step, so building it is not timed). htmldate, when
importable, runs on the same pages in the same process, with and without the URL; see
`measure` for how the timing is kept fair on a shared machine.
"""

import datetime
import statistics
import time
from collections.abc import Callable
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from bench.corpora import read_cases
from worker.extract.pubdate import find_published_date

TOOL = "article-worker"
METRIC = "exact_day_accuracy"
WARMUP_PAGES = 10  # untimed first calls per tool: one-off loading is not per-page speed
TIMING_ROUNDS = 3  # timed passes per tool; the median is reported (as in ANCHORS.md)

# A tool answers one case with its "YYYY-MM-DD" (or None) and the CPU seconds of its timed part.
DateTool = Callable[[dict[str, Any]], tuple[str | None, float]]


def article_worker(case: dict[str, Any]) -> tuple[str | None, float]:
    """Our pipeline's call: parse, then find the date with the URL and no crawl time."""
    started = time.process_time()
    tree = LexborHTMLParser(case["html"])
    parsing = time.process_time() - started
    body = tree.body.text(separator="\n") if tree.body is not None else ""
    started = time.process_time()
    found = find_published_date(
        url=case["url"],
        tree=tree,
        dump=None,
        body=body,
        fetched_at=None,
        dateline_date_text=None,
    )
    seconds = parsing + time.process_time() - started
    return (None if found is None else found.date.isoformat()), seconds


def _htmldate_tools() -> dict[str, DateTool]:
    """htmldate configurations to compare against; empty when htmldate is not installed."""
    try:
        from htmldate import find_date
        from htmldate.meta import reset_caches
    except ImportError:
        return {}

    def tool(extensive: bool, with_url: bool) -> DateTool:
        def run(case: dict[str, Any]) -> tuple[str | None, float]:
            reset_caches()  # untimed: no configuration reuses another's work on this page
            started = time.process_time()
            try:
                answer = find_date(
                    case["html"],
                    url=case["url"] if with_url else None,
                    extensive_search=extensive,
                    original_date=True,
                )
            except Exception:  # a comparison tool's crash counts as no answer
                answer = None
            return answer, time.process_time() - started

        return run

    return {
        "htmldate extensive": tool(extensive=True, with_url=False),
        "htmldate extensive +url": tool(extensive=True, with_url=True),
        "htmldate fast": tool(extensive=False, with_url=False),
    }


def measure(limit: int | None = None) -> list[dict[str, Any]]:
    """One row per tool on the same dev pages, ours first.

    Each tool first runs untimed on a few pages (lazy imports, regex compilation, dateparser's
    language data). Then every tool makes TIMING_ROUNDS passes over all pages, the tools taking
    turns pass by pass; a tool's speed is the median of its passes in CPU time, so load from
    other processes on the shared machine skews the ratios as little as possible.
    """
    cases = list(read_cases("pubdate", limit))
    tools: dict[str, DateTool] = {TOOL: article_worker, **_htmldate_tools()}
    for tool in tools.values():
        for case in cases[:WARMUP_PAGES]:
            tool(case)
    passes: dict[str, list[float]] = {name: [] for name in tools}
    hits = dict.fromkeys(tools, 0)
    for _ in range(TIMING_ROUNDS):
        for name, tool in tools.items():
            answers = [tool(case) for case in cases]
            passes[name].append(sum(seconds for _, seconds in answers))
            hits[name] = sum(
                answer == case["expected_date"]
                for (answer, _), case in zip(answers, cases, strict=True)
            )
    return [
        {
            "task": "pubdate",
            "tool": name,
            "metric": METRIC,
            "score": round(hits[name] / len(cases), 4) if cases else 0.0,
            "pages_per_s": _pages_per_second(len(cases), statistics.median(passes[name])),
            "n": len(cases),
        }
        for name in tools
    ]


def _pages_per_second(pages: int, seconds: float) -> float:
    return round(pages / seconds, 1) if seconds > 0 else 0.0


def _print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'tool':<26} {'metric':<20} {'score':>7} {'pages/s':>9} {'n':>5}")
    for row in rows:
        print(
            f"{row['tool']:<26} {row['metric']:<20} {row['score']:>7.4f} "
            f"{row['pages_per_s']:>9.1f} {row['n']:>5}"
        )


if __name__ == "__main__":
    print(f"pubdate benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    _print_table(measure())
