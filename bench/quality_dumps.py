"""Real-data check of `strip_chrome`: HTML pages turned into crawler-style text dumps, scored.

Each page is flattened into "all visible text blocks, one per line" by a plain converter (no
notion of what an article is) and stripped. Extraction corpus (Zyte, mostly English): scored
against the human body with the Zyte 4-gram shingle metric. Segments corpus (trafilatura's set,
mostly German): its with/without segment check. The unstripped dump is the floor; trafilatura on
the same dump (when installed) is the comparison tool, and trafilatura on the page's HTML a
reference for what markup adds. Only the tool calls are timed.
"""

import time
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from bench import corpora
from bench.scoring import segment_counts, shingle_f1
from worker.extract.chrome import strip_chrome

# Elements whose text a browser does not show.
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head", "iframe", "object")
# Elements that start a new line of text in a rendered page (HTML block-level and table cells).
_BLOCK_TAGS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details"),
        *("dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p"),
        *("pre", "section", "summary", "table", "td", "th", "tr", "ul", "option", "button"),
        "label",
    )
)
SEED = corpora.CORPORA / "seed" / "case.json"
Tool = tuple[str, Callable[[str], str], bool]  # name, extractor, whether it reads the HTML


def html_to_dump(html: str) -> str:
    """All visible text of a page, one line per rendered block, like a crawler's text dump."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(list(_INVISIBLE))
    root = tree.body or tree.root
    if root is None:
        return ""
    lines: list[str] = []
    current: list[str] = []
    current_block: LexborNode | None = None
    for node in root.traverse(include_text=True):
        if node.tag in _BLOCK_TAGS:  # a block (or <br>) starts: its text goes on a new line
            current_block = node
            _flush(current, lines)
            continue
        if not node.is_text_node:
            continue
        block = _block_ancestor(node)
        if block is not None and block != current_block:
            current_block = block
            _flush(current, lines)
        current.append(node.text_content or "")
    _flush(current, lines)
    return "\n".join(lines)


def _block_ancestor(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag not in _BLOCK_TAGS:
        parent = parent.parent
    return parent


def _flush(parts: list[str], lines: list[str]) -> None:
    line = " ".join("".join(parts).split())
    if line:
        lines.append(line)
    parts.clear()


def _score(tool: Tool, cases: list[tuple[str, str, str]]) -> dict[str, object]:
    name, extract, on_html = tool
    pairs: list[tuple[str, str]] = []
    elapsed = 0.0
    for dump, html, expected in cases:
        start = time.perf_counter()
        out = extract(html if on_html else dump)
        elapsed += time.perf_counter() - start
        pairs.append((expected, out))
    return {
        "task": "dumps",
        "tool": name,
        "metric": "zyte-4gram-F1",
        "score": round(shingle_f1(pairs)[0], 4),
        "pages_per_s": round(len(cases) / elapsed, 1) if elapsed else 0.0,
        "n": len(cases),
    }


def _score_segments(
    tool: Tool, cases: list[tuple[str, str, list[str], list[str]]]
) -> dict[str, object]:
    name, extract, on_html = tool
    tp = fp = fn = 0
    elapsed = 0.0
    for dump, html, keep, drop in cases:
        start = time.perf_counter()
        out = extract(html if on_html else dump)
        elapsed += time.perf_counter() - start
        counts = segment_counts(out, keep, drop)
        tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
    return {
        "task": "dumps-segments",
        "tool": name,
        "metric": "with/without-F1",
        "score": round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0,
        "pages_per_s": round(len(cases) / elapsed, 1) if elapsed else 0.0,
        "n": len(cases),
    }


def load_segment_cases(limit: int | None = None) -> list[tuple[str, str, list[str], list[str]]]:
    """(dump, html, with, without) of the multilingual segments corpus (mostly German)."""
    return [
        (html_to_dump(case["html"]), case["html"], case["with"], case["without"])
        for case in corpora.read_cases("segments", limit)
    ]


def _trafilatura() -> list[Tool]:
    """trafilatura on the same dump (as one <p> per line), and on the page's HTML for reference."""
    try:
        import trafilatura
    except ImportError:
        return []

    def on_dump(dump: str) -> str:
        paragraphs = "".join(f"<p>{_escape(line)}</p>" for line in dump.split("\n"))
        return trafilatura.extract(f"<html><body>{paragraphs}</body></html>") or ""

    def on_html(html: str) -> str:
        return trafilatura.extract(html) or ""

    return [
        ("trafilatura-on-dump", on_dump, False),
        ("trafilatura-on-html (reference)", on_html, True),
    ]


def _escape(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _seed_row() -> dict[str, object]:
    case = orjson.loads(Path(SEED).read_bytes())
    expected = case["expected"]
    start = time.perf_counter()
    body = strip_chrome(case["raw"]["text"]).text
    elapsed = time.perf_counter() - start
    ok = (
        body.startswith("BEIRUT: " + expected["body_starts_with"])
        and body.endswith(expected["body_ends_with"])
        and not any(s in body for s in expected["body_must_not_contain"] if s != "BEIRUT:")
    )
    return {
        "task": "dumps-seed",
        "tool": "article-worker",
        "metric": "pass",
        "score": 1.0 if ok else 0.0,
        "pages_per_s": round(1 / elapsed, 1) if elapsed else 0.0,
        "n": 1,
    }


def load_cases(limit: int | None = None) -> list[tuple[str, str, str]]:
    """(dump, html, expected_body) of the extraction corpus."""
    return [
        (html_to_dump(case["html"]), case["html"], case["expected_body"])
        for case in corpora.read_cases("extraction", limit)
    ]


def measure(limit: int | None = None) -> list[dict[str, object]]:
    """Rows per tool on both corpora as text dumps (floor = unstripped dump), plus the seed."""
    cases = load_cases(limit)
    segment_cases = load_segment_cases(limit)
    tools: list[Tool] = [
        ("article-worker", lambda dump: strip_chrome(dump).text, False),
        ("whole-dump (floor)", lambda dump: dump, False),
        *_trafilatura(),
    ]
    rows = [_score(tool, cases) for tool in tools]
    rows += [_score_segments(tool, segment_cases) for tool in tools]
    if Path(SEED).exists():
        rows.append(_seed_row())
    return rows


def _print_table(rows: Iterable[dict[str, object]]) -> None:
    header = ("task", "tool", "metric", "score", "pages_per_s", "n")
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row[key]) for key in header))


if __name__ == "__main__":
    _print_table(measure())
