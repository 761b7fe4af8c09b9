"""Load from a separate process: wrk with the Lua scripts in bench/lua/."""

from __future__ import annotations

import asyncio
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "lua"
RESULT_PREFIX = "BENCH_RESULT "


@dataclass(frozen=True, slots=True)
class Load:
    """One wrk run: closed-loop connections (or paced by the script's delay_ms)."""

    script: str
    url: str
    connections: int
    seconds: float
    threads: int = 2
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Measurement:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # connection errors, timeouts and HTTP statuses >= 400
    server_cpu_us: float | None = None  # CPU time the server spent per request

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        msg = "wrk is not installed (bench/run installs it with apt-get)"
        raise RuntimeError(msg)
    return path


async def run(load: Load) -> Measurement:
    threads = min(load.threads, load.connections)
    command = [
        wrk_path(),
        f"-t{threads}",
        f"-c{load.connections}",
        f"-d{max(1, round(load.seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA / load.script),
        load.url,
        "--",
        f"threads={threads}",
        *load.args,
    ]
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    text = stdout.decode()
    for line in text.splitlines():
        if line.startswith(RESULT_PREFIX):
            return _measurement(json.loads(line.removeprefix(RESULT_PREFIX)))
    msg = f"wrk gave no result (exit {process.returncode}): {stderr.decode()[-2000:]}{text[-2000:]}"
    raise RuntimeError(msg)


def _measurement(raw: dict[str, int]) -> Measurement:
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Measurement(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=errors,
    )
