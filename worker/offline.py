"""The offline `enrich` command: JSON lines in, enriched JSON lines out, through the same core.

Streams line by line, so memory stays flat however long the file is.
"""

import gzip
import io
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import zstandard

from worker.pipeline import Enriched, PipelineOptions, process
from worker.progress import Progress
from worker.records import FileOrigin, Received

STDIO = "-"


@dataclass(slots=True)
class OfflineSummary:
    enriched: int = 0
    dead_letters: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.enriched + sum(self.dead_letters.values())


def open_input(path: str, stack: ExitStack) -> BinaryIO:
    """Plain, gzip or zstd JSON lines by the file's ending; `-` is stdin. Streams, never loads."""
    if path == STDIO:
        return sys.stdin.buffer
    if path.endswith(".gz"):
        return stack.enter_context(gzip.open(path, "rb"))
    if path.endswith(".zst"):
        # zstandard's reader cannot iterate lines; a buffered reader on top can.
        return stack.enter_context(io.BufferedReader(zstandard.open(path, "rb")))
    return stack.enter_context(open(path, "rb"))


def _open_output(path: str | None, stack: ExitStack, default: BinaryIO) -> BinaryIO:
    if path is None or path == STDIO:
        return default
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return stack.enter_context(open(path, "wb"))


def read_records(lines: BinaryIO, name: str) -> Iterator[Received]:
    """Blank lines are layout, not records; every other line is one raw record, kept as bytes."""
    for number, line in enumerate(lines, start=1):
        value = line.rstrip(b"\r\n")
        if value.strip():
            yield Received(value=value, key=None, headers=(), origin=FileOrigin(name, number))


def enrich_file(
    input_path: str,
    output_path: str | None,
    dead_letter_path: str | None,
    options: PipelineOptions,
    show_progress: bool = False,
) -> OfflineSummary:
    """`show_progress` draws on stderr: only when dead letters are not written there too."""
    summary = OfflineSummary()
    with ExitStack() as stack:
        shown = stack.enter_context(Progress("enrich")) if show_progress else None
        source = open_input(input_path, stack)
        output = _open_output(output_path, stack, sys.stdout.buffer)
        dead_letters = _open_output(dead_letter_path, stack, sys.stderr.buffer)
        for received in read_records(source, "<stdin>" if input_path == STDIO else input_path):
            outcome = process(received, options)
            if isinstance(outcome, Enriched):
                output.write(outcome.value + b"\n")
                summary.enriched += 1
            else:
                dead_letters.write(outcome.value + b"\n")
                summary.dead_letters[str(outcome.error.code)] += 1
            if shown is not None:
                shown.advance()
        output.flush()
        dead_letters.flush()
    return summary
