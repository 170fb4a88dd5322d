"""`python -m bench.quality`: every quality benchmark on the dev corpora, in one process, one table.

Each task's comparison tools (trafilatura, htmldate, langdetect's own answer) run in the same
process on the same cases when installed (`pip install -e '.[bench]'`), so speed ratios are
measured side by side rather than against numbers from another day.
"""

import argparse
import importlib
from collections import defaultdict
from typing import Any

from bench.corpora import CORPORA

OURS = "article-worker"
# Module per task family; each exposes measure(limit) -> rows.
BENCHMARKS = (
    "bench.quality_extraction",
    "bench.quality_dumps",
    "bench.quality_pubdate",
    "bench.quality_dateline",
    "bench.quality_language",
)


def run(limit: int | None, only: list[str] | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in BENCHMARKS:
        if only and not any(word in name for word in only):
            continue
        module = importlib.import_module(name)
        rows.extend(module.measure(limit))
        if hasattr(module, "measure_parsers"):  # the parser choice: lexbor vs lxml, parse only
            rows.extend(module.measure_parsers(limit))
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'task':<26} {'tool':<44} {'metric':<26} {'score':>7} {'pages/s':>9} {'n':>6}")
    for row in rows:
        print(
            f"{row['task']:<26} {row['tool']:<44} {row['metric']:<26} {row['score']:>7.4f} "
            f"{row['pages_per_s']:>9.1f} {row['n']:>6}"
        )


def print_comparisons(rows: list[dict[str, Any]]) -> None:
    """Ours against each other tool of the same task and metric: score difference, speed ratio."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["task"], row["metric"])].append(row)
    print("\nours vs the others, same cases, same run")
    for (task, metric), group in groups.items():
        ours = [r for r in group if r["tool"].startswith(OURS)]
        for mine in ours:
            others = (
                r for r in group if not r["tool"].startswith(OURS) and "floor" not in r["tool"]
            )
            for other in others:
                speed = mine["pages_per_s"] / other["pages_per_s"] if other["pages_per_s"] else 0
                print(
                    f"  {task:<24} {metric:<22} {mine['tool']} {mine['score']:.4f} vs "
                    f"{other['tool']} {other['score']:.4f} ({mine['score'] - other['score']:+.4f}),"
                    f" speed x{speed:.1f}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, help="cases per corpus (default: all)")
    parser.add_argument("--only", nargs="*", help="run only benchmarks whose name has this word")
    args = parser.parse_args()
    if not CORPORA.exists():
        raise SystemExit(f"the dev corpora are not at {CORPORA} (set ARTICLE_WORKER_CORPORA)")
    rows = run(args.limit, args.only)
    print_table(rows)
    print_comparisons(rows)


if __name__ == "__main__":
    main()
