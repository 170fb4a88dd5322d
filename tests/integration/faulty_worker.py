"""The real worker with one step broken for a marker string: how the tests reach the
`extraction_failed` path through the broker, since the real steps never raise."""

import sys

import worker.pipeline
from worker.cli import main

MARKER = "EXPLODE-LANGUAGE-STEP"
real_detect_language = worker.pipeline.detect_language


def detect_language_or_explode(text: str, backend: worker.pipeline.Backend = "langdetect"):
    if MARKER in text:
        raise RuntimeError("language step exploded on purpose")
    return real_detect_language(text, backend)


worker.pipeline.detect_language = detect_language_or_explode
# The core's child process re-runs this file under another name: it must patch, not start.
if __name__ == "__main__":
    sys.exit(main())
