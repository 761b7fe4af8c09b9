"""HTTP servers under test: started in their own process group, stopped with it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from bench import loadgen
from bench.loadgen import Load, Measurement
from bench.report import WorkerMemory

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVERS = ("granian", "uvicorn")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
DEFAULT_SERVER = "uvicorn"  # what `aurum serve` uses unless told otherwise


def cores() -> int:
    return len(os.sched_getaffinity(0))


def free_port() -> int:
    """A port the kernel says is free (servers with several workers need a number)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def reference_command(server: str, factory: str, port: int, workers: int) -> list[str]:
    """R1/R2 under the same server, worker count and options as `aurum serve`."""
    target = f"bench.reference_apps:{factory}"
    if server == "granian":
        return [
            str(BIN / "granian"),
            *("--interface", "asgi", "--factory", "--no-ws", "--loop", "uvloop"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--log-level", "warning", target),
        ]
    return [
        str(BIN / "uvicorn"),
        *("--factory", "--loop", "uvloop", "--http", "httptools", "--no-access-log"),
        *("--no-server-header", "--log-level", "warning"),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), target),
    ]


SETTLE_INTERVAL = 1.0  # seconds


@dataclass(slots=True)
class Server:
    process: asyncio.subprocess.Process
    base_url: str

    def cpu_seconds(self) -> float:
        """CPU time (user and system, every thread) of the master, its workers and their
        own children (Aurum's password-hashing processes)."""
        pids = [self.process.pid, *_descendants(self.process.pid)]
        return sum(_cpu_seconds(pid) for pid in pids)

    def hashing_cpu_seconds(self) -> float:
        """CPU time of the workers' own children: Aurum's password-hashing processes."""
        workers = _children(self.process.pid)
        return sum(_cpu_seconds(pid) for worker in workers for pid in _descendants(worker))

    async def measure(self, load: Load) -> Measurement:
        """A wrk run, with the server's CPU time per request (robust on a busy machine)."""
        before = self.cpu_seconds()
        result = await loadgen.run(load)
        spent = self.cpu_seconds() - before
        cpu = spent / result.requests * 1e6 if result.requests else None
        return replace(result, server_cpu_us=cpu)

    async def settle(self, *, quiet_share: float = 0.02, at_most: float = 60.0) -> float:
        """Wait until the server's processes are (nearly) idle: work queued during a load
        (hashes a flood left queued) may still be finishing. Returns the seconds waited."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        before = self.cpu_seconds()
        while loop.time() - started < at_most:
            await asyncio.sleep(SETTLE_INTERVAL)
            now = self.cpu_seconds()
            if now - before < quiet_share * SETTLE_INTERVAL:
                break
            before = now
        return loop.time() - started

    def worker_rss_mib(self) -> list[WorkerMemory]:
        """Resident memory of each worker process (the children of the server's master)
        and of the processes it started (Aurum's password-hashing process)."""
        sizes = []
        for pid in _children(self.process.pid):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"resource_tracker" in cmdline:
                continue
            helpers = sum(_rss_mib(child) for child in _descendants(pid))
            sizes.append(WorkerMemory(worker=_rss_mib(pid), helpers=helpers))
        return sizes


@asynccontextmanager
async def serving(
    command: list[str], env: Mapping[str, str], port: int, ready_path: str, log: Path
) -> AsyncIterator[Server]:
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=output,
            start_new_session=True,  # its own process group, so stopping takes the workers
        )
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        await _wait_ready(server, ready_path, log)
        yield server
    finally:
        await _stop(process)


READY_SECONDS = 90


async def _wait_ready(server: Server, path: str, log: Path) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_SECONDS
    async with httpx.AsyncClient(base_url=server.base_url, timeout=2) as client:
        while loop.time() < deadline:
            if server.process.returncode is not None:
                break
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(path)).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    msg = f"the server did not become ready; its output is in {log}"
    raise RuntimeError(msg)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=15)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
    # Workers that outlived their master still belong to the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _descendants(pid: int) -> list[int]:
    found = _children(pid)
    return [*found, *(grandchild for child in found for grandchild in _descendants(child))]


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found.extend(int(child) for child in text)
    except FileNotFoundError:  # it exited meanwhile
        pass
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # a worker that exited
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def _rss_mib(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:  # it exited meanwhile
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
