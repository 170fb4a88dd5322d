"""The per-record time budget: the core runs in a child process that is killed when a record
overstays its budget, so one record cannot stall its partition.

The core is synchronous and CPU-bound. Run on the event loop, a slow record would also stop
heartbeats and fetches; run in a thread, it could not be stopped (and would hold the GIL); a
signal cannot interrupt C code (the regex engine, the HTML parser). A child process can always
be killed, and the loop stays free while it works. Only our own objects cross the pipe: the
record's bytes travel inside them as data and are never unpickled as anything else.
"""

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from worker.failures import ErrorCode, RecordRejected, Stage
from worker.pipeline import Outcome, PipelineOptions, dead_letter, process
from worker.records import Received

log = logging.getLogger(__name__)

# spawn, not fork: the parent runs an event loop and client threads that a fork would copy
# half-way through; a fresh interpreter holds no inherited locks.
CONTEXT = multiprocessing.get_context("spawn")
# Starting the child imports the core and warms its models (about a second when idle); the
# budget of the first record must not pay for that, and a loaded machine gets room.
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 2.0
RETRY_FIRST_DELAY_S = 0.5
RETRY_MAX_DELAY_S = 30.0
READY = "ready"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# A record run once at start so the first real record finds the language profiles loaded.
WARM_UP = Received(
    value=b'{"url": "https://warm-up.invalid/", "text": "The worker warms up its models."}',
    key=None,
    headers=(),
    origin=None,
)


Core = Callable[[Received, PipelineOptions], Outcome]


class CoreUnavailable(RuntimeError):
    """The child process could not be started; nothing was decided about any record."""


class BudgetedCore:
    """`process` with a time budget, in a child process started on first use and replaced
    after a record overstayed or killed it."""

    def __init__(self, options: PipelineOptions, budget_s: float, core: Core = process) -> None:
        """`core` must be a module-level function: the child imports it by name."""
        self.options = options
        self.budget_s = budget_s
        self.core = core
        self._child: BaseProcess | None = None
        self._connection: Connection | None = None
        self._lock = asyncio.Lock()

    async def process(self, received: Received) -> Outcome:
        """The record's outcome; a `timeout` dead letter when the budget runs out, an
        `extraction_failed` one when the record kills the core's process."""
        async with self._lock:
            connection = await self._send(received)
            try:
                if await _readable(connection, self.budget_s):
                    return connection.recv()
            except EOFError:
                return self._dead_child_letter(received)
            except Exception as error:  # an answer we cannot read: a bug, never a lost record
                self.close()
                log.exception("the core's answer could not be read")
                return dead_letter(
                    received,
                    RecordRejected(
                        ErrorCode.EXTRACTION_FAILED,
                        Stage.ENRICH,
                        f"the core's answer could not be read: {type(error).__name__}: {error}",
                    ),
                )
            except BaseException:
                self.close()  # cancelled mid-record: its answer must not reach the next one
                raise
            self.close()
            return dead_letter(
                received,
                RecordRejected(
                    ErrorCode.TIMEOUT,
                    Stage.ENRICH,
                    # No elapsed time: a retried record must give the same dead letter.
                    f"not enriched within the budget of {self.budget_s:g} s",
                ),
            )

    def close(self) -> None:
        """Stop the child, whatever it is doing."""
        if self._child is not None and self._connection is not None:
            _kill(self._child, self._connection)
        self._child = self._connection = None

    async def _send(self, received: Received) -> Connection:
        """Hand the record to a live child. A child that cannot start or died while idle is no
        fault of the record: retry with backoff, the record stays unacknowledged meanwhile."""
        delay = RETRY_FIRST_DELAY_S
        while True:
            try:
                if self._connection is None:
                    self._child, self._connection = await _start_child(self.core, self.options)
                    log.info(
                        "the core runs in process %d, %g s per record at most",
                        self._child.pid,
                        self.budget_s,
                    )
                self._connection.send(received)
                return self._connection
            except (CoreUnavailable, OSError) as error:
                self.close()
                log.error(
                    "the core's process is unavailable (%s); retrying in %.1f s", error, delay
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY_S)

    def _dead_child_letter(self, received: Received) -> Outcome:
        assert self._child is not None
        self._child.join(STOP_TIMEOUT_S)
        exit_code = self._child.exitcode
        self.close()
        log.warning("the core's process died (exit code %s) on a record", exit_code)
        return dead_letter(
            received,
            RecordRejected(
                ErrorCode.EXTRACTION_FAILED,
                Stage.ENRICH,
                f"the core's process died on this record (exit code {exit_code})",
            ),
        )


async def _start_child(core: Core, options: PipelineOptions) -> tuple[BaseProcess, Connection]:
    """A child that has said READY; one that did not (or whose wait was cancelled) is killed
    before anything is sent to it."""
    parent_end, child_end = CONTEXT.Pipe()
    child = CONTEXT.Process(
        target=serve_core,
        args=(child_end, core, options, os.getpid()),
        name="article-core",
        daemon=True,
    )
    child.start()
    child_end.close()
    started = False
    try:
        started = await _readable(parent_end, START_TIMEOUT_S) and _said_ready(parent_end)
    finally:
        if not started:
            _kill(child, parent_end)
    if not started:
        raise CoreUnavailable(f"it did not say ready within {START_TIMEOUT_S:g} s")
    return child, parent_end


def _said_ready(connection: Connection) -> bool:
    try:
        return connection.recv() == READY
    except EOFError:  # it exited during its start; the caller reports it
        return False


def _kill(child: BaseProcess, connection: Connection) -> None:
    connection.close()
    if child.is_alive():
        child.kill()
    child.join()


def serve_core(
    connection: Connection, core: Core, options: PipelineOptions, parent_pid: int
) -> None:
    """The child: records in, outcomes out, until the parent closes its end or goes away."""
    # Ctrl-C reaches the whole process group; the child ends when the parent closes the pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    core(WARM_UP, options)
    try:
        connection.send(READY)
        while True:
            received = connection.recv()
            connection.send(core(received, options))
    except (EOFError, OSError):
        return  # the parent closed its end (stopping, or over budget) or was killed


def _die_with_parent(parent_pid: int) -> None:
    """A parent killed with SIGKILL closes the pipe, but a child stuck in a record would only
    read that after the record: ask Linux to kill the child with its parent instead. (Linux
    ties this to the thread that started the child: the event loop's, which lives as long.)"""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(0)


async def _readable(connection: Connection, timeout_s: float) -> bool:
    """Wait without blocking the loop until the child has answered (or closed its end)."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    descriptor = connection.fileno()
    loop.add_reader(descriptor, lambda: ready.done() or ready.set_result(True))
    try:
        return await asyncio.wait_for(ready, timeout_s)
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(descriptor)
