"""The per-record time budget: the core runs in a child process that is killed when a record
overstays its budget, so one record cannot stall its partition.

The core is synchronous and CPU-bound. Run on the event loop, a slow record would also stop
heartbeats and fetches; run in a thread, it could not be stopped (and would hold the GIL); a
signal cannot interrupt C code (the regex engine, the HTML parser). A child process can always
be killed, and the loop stays free while it works. Only our own objects cross the socket: the
record's bytes travel inside them as data and are never unpickled as anything else.

Records are pipelined: up to WINDOW of them are queued in the socket, so the child goes from one
record to the next without waiting for the parent (with one awaited round trip per record, the
worker kept 0.59 of the core's speed on text dumps). The budget stays per record: a record's
clock starts when the child is free for it, i.e. when the previous answer arrived or, for an
idle child, when the record was sent.
"""

import asyncio
import ctypes
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any, BinaryIO

from worker.failures import ErrorCode, RecordRejected, Stage
from worker.pipeline import Outcome, PipelineOptions, dead_letter, process
from worker.records import Received
from worker.stream.heap import map_large_buffers

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
# Records queued for the child at once: enough that it never waits for the parent, few enough
# that a batch of 160 KB pages stays a few MB, and that a killed child has little to redo.
WINDOW = 16
READY = "ready"
FRAME_HEADER = struct.Struct("!Q")  # the length of the pickled object that follows
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


@dataclass(eq=False, slots=True)
class _Queued:
    received: Received
    answer: "asyncio.Future[Outcome]"
    sent_at: float = 0.0  # event-loop time it was written to the current child


class _Child:
    """A started child process and the parent's end of its socket."""

    def __init__(
        self, process_: BaseProcess, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.process = process_
        self.reader = reader
        self.writer = writer

    def send(self, received: Received) -> None:
        """Buffered by the event loop: never blocks it, whatever the child is doing."""
        frame = pickle.dumps(received, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.writelines((FRAME_HEADER.pack(len(frame)), frame))

    async def answer(self) -> Any:
        """The next object the child sent; IncompleteReadError once it has gone."""
        (length,) = FRAME_HEADER.unpack(await self.reader.readexactly(FRAME_HEADER.size))
        return pickle.loads(await self.reader.readexactly(length))

    def kill(self) -> None:
        self.writer.transport.abort()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


class BudgetedCore:
    """`process` with a time budget, in a child process started on first use and replaced
    after a record overstayed or killed it. Calls may overlap; each gets its own record's
    outcome."""

    def __init__(
        self, options: PipelineOptions, budget_s: float, core: Core = process, window: int = WINDOW
    ) -> None:
        """`core` must be a module-level function: the child imports it by name."""
        self.options = options
        self.budget_s = budget_s
        self.core = core
        self._queued: deque[_Queued] = deque()
        self._room = asyncio.Semaphore(window)
        self._arrived = asyncio.Event()
        self._child: _Child | None = None
        self._free_since = 0.0  # when the child finished its last record (or started)
        self._supervisor: asyncio.Task[None] | None = None

    async def process(self, received: Received) -> Outcome:
        """The record's outcome; a `timeout` dead letter when the budget runs out, an
        `extraction_failed` one when the record kills the core's process."""
        async with self._room:
            loop = asyncio.get_running_loop()
            queued = _Queued(received, loop.create_future())
            self._queued.append(queued)
            if self._child is not None:
                queued.sent_at = loop.time()
                self._child.send(received)
            if self._supervisor is None or self._supervisor.done():
                self._supervisor = asyncio.create_task(self._supervise(), name="core-supervisor")
                self._supervisor.add_done_callback(self._supervisor_ended)
            self._arrived.set()
            # A cancelled caller leaves its record queued: its answer, when it comes, is
            # dropped instead of reaching the next record.
            return await queued.answer

    def close(self) -> None:
        """Stop the child, whatever it is doing; records still waiting get no answer."""
        if self._supervisor is not None:
            self._supervisor.cancel()
            self._supervisor = None
        self._stop_child()
        for queued in self._queued:
            queued.answer.cancel()
        self._queued.clear()

    def _supervisor_ended(self, supervisor: "asyncio.Task[None]") -> None:
        """A bug in the supervisor fails its records loudly instead of leaving them waiting."""
        if supervisor.cancelled() or supervisor.exception() is None:
            return
        error = supervisor.exception()
        log.error("the core's supervisor failed", exc_info=error)
        self._stop_child()
        for queued in self._queued:
            if not queued.answer.done():
                queued.answer.set_exception(CoreUnavailable(f"the supervisor failed: {error!r}"))
        self._queued.clear()

    async def _supervise(self) -> None:
        """Hands each queued record's answer over, in order, and enforces the budget."""
        loop = asyncio.get_running_loop()
        while True:
            if not self._queued:
                self._arrived.clear()
                await self._arrived.wait()
                continue
            child = self._child or await self._start()
            head = self._queued[0]
            remaining = max(head.sent_at, self._free_since) + self.budget_s - loop.time()
            try:
                async with asyncio.timeout(max(remaining, 0.0)):  # no task per record
                    outcome = await child.answer()
            except TimeoutError:
                self._stop_child()
                outcome = self._timeout_letter(head.received)
            except (asyncio.IncompleteReadError, ConnectionError):
                outcome = self._dead_child_letter(child, head.received)
            except Exception as error:  # an answer we cannot read: a bug, never a lost record
                self._stop_child()
                log.exception("the core's answer could not be read")
                outcome = _unreadable_letter(head.received, error)
            self._free_since = loop.time()
            self._queued.popleft()
            if not head.answer.done():
                head.answer.set_result(outcome)

    async def _start(self) -> _Child:
        """A live child with every queued record sent to it. A child that cannot start is no
        fault of the records: retry with backoff, they stay unanswered meanwhile."""
        delay = RETRY_FIRST_DELAY_S
        while True:
            try:
                child = await _start_child(self.core, self.options)
                break
            except (CoreUnavailable, OSError) as error:
                log.error(
                    "the core's process is unavailable (%s); retrying in %.1f s", error, delay
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY_S)
        log.info(
            "the core runs in process %d, %g s per record at most",
            child.process.pid,
            self.budget_s,
        )
        now = asyncio.get_running_loop().time()
        for queued in self._queued:
            queued.sent_at = now
            child.send(queued.received)
        self._child, self._free_since = child, now
        return child

    def _stop_child(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child = None

    def _timeout_letter(self, received: Received) -> Outcome:
        return dead_letter(
            received,
            RecordRejected(
                ErrorCode.TIMEOUT,
                Stage.ENRICH,
                # No elapsed time: a retried record must give the same dead letter.
                f"not enriched within the budget of {self.budget_s:g} s",
            ),
        )

    def _dead_child_letter(self, child: _Child, received: Received) -> Outcome:
        child.process.join(STOP_TIMEOUT_S)
        exit_code = child.process.exitcode
        self._stop_child()
        log.warning("the core's process died (exit code %s) on a record", exit_code)
        return dead_letter(
            received,
            RecordRejected(
                ErrorCode.EXTRACTION_FAILED,
                Stage.ENRICH,
                f"the core's process died on this record (exit code {exit_code})",
            ),
        )


def _unreadable_letter(received: Received, error: Exception) -> Outcome:
    return dead_letter(
        received,
        RecordRejected(
            ErrorCode.EXTRACTION_FAILED,
            Stage.ENRICH,
            f"the core's answer could not be read: {type(error).__name__}: {error}",
        ),
    )


async def _start_child(core: Core, options: PipelineOptions) -> _Child:
    """A child that has said READY; one that did not (or whose wait was cancelled) is killed
    before anything is sent to it."""
    parent_end, child_end = socket.socketpair()
    child_process = CONTEXT.Process(
        target=serve_core,
        args=(child_end, core, options, os.getpid()),
        name="article-core",
        daemon=True,
    )
    try:
        child_process.start()
    finally:
        child_end.close()
    reader, writer = await asyncio.open_connection(sock=parent_end)
    child = _Child(child_process, reader, writer)
    started = False
    try:
        started = await asyncio.wait_for(child.answer(), START_TIMEOUT_S) == READY
    except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
        pass  # reported below
    finally:
        if not started:
            child.kill()
    if not started:
        raise CoreUnavailable(f"it did not say ready within {START_TIMEOUT_S:g} s")
    return child


def serve_core(
    connection: socket.socket, core: Core, options: PipelineOptions, parent_pid: int
) -> None:
    """The child: records in, outcomes out, until the parent closes its end or goes away."""
    # Ctrl-C reaches the whole process group; the child ends when the parent closes the socket.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    map_large_buffers()
    core(WARM_UP, options)
    stream = connection.makefile("rwb")
    try:
        _write_frame(stream, READY)
        while (received := _read_frame(stream)) is not None:
            _write_frame(stream, core(received, options))
    except OSError:
        return  # the parent closed its end (stopping, or over budget) or was killed


def _read_frame(stream: BinaryIO) -> Any:
    """The next object, or None at the end of the stream."""
    header = stream.read(FRAME_HEADER.size)
    if len(header) < FRAME_HEADER.size:
        return None
    (length,) = FRAME_HEADER.unpack(header)
    frame = stream.read(length)
    return None if len(frame) < length else pickle.loads(frame)


def _write_frame(stream: BinaryIO, item: Any) -> None:
    frame = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(FRAME_HEADER.pack(len(frame)))
    stream.write(frame)
    stream.flush()


def _die_with_parent(parent_pid: int) -> None:
    """A parent killed with SIGKILL closes the socket, but a child stuck in a record would only
    read that after the record: ask Linux to kill the child with its parent instead. (Linux
    ties this to the thread that started the child: the event loop's, which lives as long.)"""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(0)
