"""Keeping a long-running process's heap from growing with the pages it has seen."""

import ctypes
import sys

M_MMAP_THRESHOLD = -3  # mallopt parameter, from <malloc.h>
# Page-sized buffers and up (a 100 KB page's text, its bytes, its parse) get their own mapping.
MMAP_THRESHOLD_BYTES = 128 * 1024


def map_large_buffers() -> None:
    """Pin glibc's mmap threshold: its default rises after each large buffer freed, so later
    pages are carved from the heap, which then stays fragmented. With it pinned, the core's
    process grew by 14 MB instead of 36 MB over 3,000 records, at no measurable cost. Not for
    the faust process: mapping every fetched page doubled its CPU per record (a passthrough
    benchmark: 0.75 against 0.38 ms). A no-op off glibc."""
    if sys.platform != "linux":
        return
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
