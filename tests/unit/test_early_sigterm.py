"""A SIGTERM that reaches `python -m worker` while it is still importing is a clean stop.

Regression: the first SIGTERM handler used to be installed only once the CLI and faust were
imported (a few hundred milliseconds, more on a loaded machine); a stop in that window ended
the worker by signal (-15), which the chaos suite's SIGTERM scenario reported under CI load.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

SIGTERM_BIT = 1 << (signal.SIGTERM - 1)
WAIT_S = 20.0


def catches_sigterm(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & SIGTERM_BIT)
    return False


def test_sigterm_as_soon_as_a_handler_exists_exits_zero() -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "worker", "run", "--broker", "kafka://127.0.0.1:1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + WAIT_S
    while not catches_sigterm(worker.pid) and time.monotonic() < deadline:
        time.sleep(0.001)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(WAIT_S) == 0
