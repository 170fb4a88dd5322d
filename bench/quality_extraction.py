"""Main-text extraction quality and speed: article-worker vs trafilatura on the shared dev corpora.

Two tasks: `extraction` (Zyte article-body benchmark, 4-gram shingle F1) and `segments`
(trafilatura's with/without segment set, micro F1). trafilatura is imported lazily and is optional.
"""

import time
from collections.abc import Callable
from typing import Any

from bench.corpora import read_cases
from bench.scoring import segment_counts, segments_f1, shingle_f1
from worker.extract.html import extract_main_text, parse_html

PARSE_PASSES = 3  # parsing takes ~1 ms a page: best of a few passes smooths out the shared CPU

Extractor = Callable[[str], str]


def article_worker(html: str) -> str:
    return extract_main_text(parse_html(html)).text


def comparison_tools() -> dict[str, Extractor]:
    """trafilatura configurations named in the issue, when trafilatura is installed."""
    try:
        import trafilatura
    except ImportError:
        return {}

    def precise(html: str) -> str:
        return trafilatura.extract(html, favor_precision=True) or ""

    def default(html: str) -> str:
        return trafilatura.extract(html) or ""

    return {"trafilatura(favor_precision)": precise, "trafilatura": default}


def run_interleaved(
    tools: dict[str, Extractor], pages: list[str]
) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Every tool's outputs and pages/s, calling the tools in turn on each page.

    The machine is shared, so load comes and goes; taking turns page by page gives every tool
    the same conditions, and the pages/s ratios stay comparable within one run.
    """
    outputs: dict[str, list[str]] = {name: [] for name in tools}
    spent = dict.fromkeys(tools, 0.0)
    for html in pages:
        for name, tool in tools.items():
            start = time.perf_counter()
            outputs[name].append(tool(html))
            spent[name] += time.perf_counter() - start
    speeds = {name: len(pages) / spent[name] if spent[name] else 0.0 for name in tools}
    return outputs, speeds


def measure(limit: int | None = None) -> list[dict]:
    """One row per (task, tool): extraction shingle F1 and segments F1, with pages/s."""
    tools: dict[str, Extractor] = {"article-worker": article_worker, **comparison_tools()}
    extraction = list(read_cases("extraction", limit))
    segments = list(read_cases("segments", limit))
    rows = []
    outputs, speeds = run_interleaved(tools, [case["html"] for case in extraction])
    for name in tools:
        f1, _, _ = shingle_f1(
            (case["expected_body"], out)
            for case, out in zip(extraction, outputs[name], strict=True)
        )
        rows.append(row("extraction", name, "shingle-F1", f1, speeds[name], len(extraction)))
    outputs, speeds = run_interleaved(tools, [case["html"] for case in segments])
    for name in tools:
        f1 = segments_f1(
            segment_counts(out, case["with"], case["without"])
            for case, out in zip(segments, outputs[name], strict=True)
        )
        rows.append(row("segments", name, "segment-F1", f1, speeds[name], len(segments)))
    return rows


def row(task: str, tool: str, metric: str, score: float, speed: float, n: int) -> dict:
    return {
        "task": task,
        "tool": tool,
        "metric": metric,
        "score": score,
        "pages_per_s": speed,
        "n": n,
    }


def measure_parsers(limit: int | None = None) -> list[dict]:
    """Parse-only pages/s of selectolax/lexbor vs lxml.html on the extraction pages."""
    from selectolax.lexbor import LexborHTMLParser

    pages = [case["html"] for case in read_cases("extraction", limit)]
    parsers: dict[str, Callable[[str], Any]] = {"selectolax/lexbor": LexborHTMLParser}
    try:
        import lxml.html

        parsers["lxml.html"] = lambda html: lxml.html.document_fromstring(html.encode())
    except ImportError:
        pass
    timed = {
        name: lambda html, parser=parser: (parser(html), "")[1] for name, parser in parsers.items()
    }
    passes = [run_interleaved(timed, pages)[1] for _ in range(PARSE_PASSES)]
    return [
        row("parse", name, "-", float("nan"), max(p[name] for p in passes), len(pages))
        for name in parsers
    ]


def print_table(rows: list[dict]) -> None:
    print(f"{'task':<11} {'tool':<30} {'metric':<11} {'score':>7} {'pages/s':>9} {'n':>5}")
    for r in rows:
        print(
            f"{r['task']:<11} {r['tool']:<30} {r['metric']:<11} {r['score']:>7.4f}"
            f" {r['pages_per_s']:>9.1f} {r['n']:>5}"
        )


if __name__ == "__main__":
    print_table(measure() + measure_parsers())
