"""`aurum serve` in a process of its own, as an operator starts it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def serve_environment(tmp_path: Path) -> dict[str, str]:
    """The developer's environment, less what would configure the service."""
    configured = re.compile(
        r"ENVIRONMENT|ISSUER|PUBLIC_BASE_URL|DATABASE_URL|REDIS_URL|EMAIL_.*|SMTP_.*"
    )
    return {
        **{name: value for name, value in os.environ.items() if not configured.fullmatch(name)},
        "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
        "ARGON2_MEMORY_COST": "1024",
        "ARGON2_TIME_COST": "1",
        "EMAIL_BACKEND": "console",
        "EMAIL_CONSOLE_LINKS": "true",  # development: the links are printed
    }


def serving(process: subprocess.Popen[bytes], port: int, *, within: float) -> bool:
    """Whether the server answers `/health` before it exits or `within` seconds pass."""
    deadline = time.monotonic() + within
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).is_success:
                return True
        except httpx.TransportError:
            time.sleep(0.1)  # not listening yet
    return False


@contextmanager
def aurum_serve(tmp_path: Path, port: int, *options: str, **environment: str) -> Iterator[Path]:
    """`aurum serve --port PORT` in a process of its own; yields the file of its stdout."""
    stdout = tmp_path / "stdout"
    command = ["serve", "--port", str(port), "--no-access-log", *options]
    with stdout.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - this interpreter, our own entry point
            [sys.executable, "-m", "aurum", *command],
            env=serve_environment(tmp_path) | environment,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.DEVNULL,
        )
    try:
        assert serving(process, port, within=30), "the server did not start"
        yield stdout
    finally:
        process.terminate()
        process.wait(timeout=10)
