"""A worker in its own process, as operators run it: started, stopped with SIGTERM, or killed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from worker.stream.broker import free_port

STOP_TIMEOUT_S = 15.0


class WorkerProcess:
    def __init__(
        self,
        broker_url: str,
        log_path: Path,
        extra_args: list[str] | None = None,
        entry_point: list[str] | None = None,
    ) -> None:
        """`entry_point` is the command before `run`; tests use it to start an altered worker."""
        self.broker_url = broker_url
        self.entry_point = entry_point or [sys.executable, "-m", "worker"]
        self.log_path = log_path
        self.web_port = free_port()
        self.extra_args = extra_args or []
        self._process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0  # time.monotonic() of the last start

    def start(self) -> None:
        command = [
            *self.entry_point,
            "run",
            "--broker",
            self.broker_url,
            "--web-port",
            str(self.web_port),
            *self.extra_args,
        ]
        self.started_at = time.monotonic()
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> int:
        assert self._process is not None
        return stop_process(self._process, timeout_s)

    def kill(self) -> None:
        assert self._process is not None
        self._process.kill()
        self._process.wait()


def stop_process(process: subprocess.Popen[bytes], timeout_s: float = STOP_TIMEOUT_S) -> int:
    """SIGTERM, then wait; kill if it overstays. Returns the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()
