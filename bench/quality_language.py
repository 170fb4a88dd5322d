"""Language quality: our `detect_language` against langdetect's own answer on the lingua dev split.

Ours reads at most the first 1000 characters and answers `und` for letterless text; langdetect's
own row reads the whole text. Both are seeded and their codes normalised the same way, so the
rows differ only in what the project changed. Scored separately for sentences and doc5 blocks.
"""

import time
from collections import defaultdict
from typing import Any

from bench.corpora import read_cases
from worker.extract.language import CODE_FIXES, SEED, Backend, detect_language

TOOL = "article-worker"
# The corpus labels Norwegian nb; langdetect says no (mapped in CODE_FIXES as for our output).


def _langdetect_whole_text(text: str) -> str:
    import langdetect

    langdetect.DetectorFactory.seed = SEED
    try:
        code = langdetect.detect(text)
    except langdetect.LangDetectException:
        return "und"
    return CODE_FIXES.get(code, code)


def _score(cases: list[dict[str, Any]], detect: Any) -> tuple[float, float]:
    started = time.perf_counter()
    answers = [detect(case["text"]) for case in cases]
    elapsed = time.perf_counter() - started
    correct = sum(a == case["expected_lang"] for a, case in zip(answers, cases, strict=True))
    return correct / len(cases), len(cases) / elapsed


def measure(limit: int | None = None) -> list[dict[str, Any]]:
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in read_cases("lang", limit):
        by_kind[case["kind"]].append(case)
    tools: dict[str, Any] = {
        "langdetect (seeded, whole text)": _langdetect_whole_text,
    }
    backends: tuple[Backend, ...] = ("langdetect", "langdetect-rs")
    for backend in backends:
        tools[f"{TOOL} ({backend})"] = lambda text, b=backend: detect_language(text, b).code
    rows = []
    for kind, cases in sorted(by_kind.items()):
        for tool, detect in tools.items():
            accuracy, speed = _score(cases, detect)
            rows.append(
                {
                    "task": f"language/{kind}",
                    "tool": tool,
                    "metric": "accuracy",
                    "score": accuracy,
                    "pages_per_s": speed,
                    "n": len(cases),
                }
            )
    return rows


if __name__ == "__main__":
    for row in measure():
        print(
            f"{row['task']:<18} {row['tool']:<36} {row['score']:.4f} "
            f"{row['pages_per_s']:>9.1f}/s n={row['n']}"
        )
