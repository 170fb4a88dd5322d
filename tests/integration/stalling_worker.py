"""The real worker with the language step stalling for a marker string: how the tests reach
the time budget through the broker, since no real page is slow enough on purpose."""

import sys
import time

import worker.pipeline
from worker.cli import main

MARKER = "STALL-LANGUAGE-STEP"
real_detect_language = worker.pipeline.detect_language


def detect_language_or_stall(text: str, backend: worker.pipeline.Backend = "langdetect"):
    if MARKER in text:
        time.sleep(3600)
    return real_detect_language(text, backend)


worker.pipeline.detect_language = detect_language_or_stall
# The core's child process re-runs this file under another name: it must patch, not start.
if __name__ == "__main__":
    sys.exit(main())
