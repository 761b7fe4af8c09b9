"""What the results were measured on: machine, versions, settings."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import asyncpg

from bench import loadgen

PACKAGES = (
    "aurum-identity",
    "fastapi",
    "starlette",
    "pydantic",
    "sqlalchemy",
    "asyncpg",
    "granian",
    "uvicorn",
    "uvloop",
    "httptools",
    "argon2-cffi",
    "pwdlib",
    "pyjwt",
)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def wrk_version() -> str:
    result = subprocess.run(  # noqa: S603 - wrk, found on PATH by loadgen
        [loadgen.wrk_path(), "--version"], capture_output=True, text=True, check=False
    )
    return (result.stdout or result.stderr).splitlines()[0].split(" Copyright")[0]


async def postgres_version(dsn: str) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        version: str = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    return f"PostgreSQL {version}"


def versions() -> str:
    found = []
    for package in PACKAGES:
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def machine() -> list[tuple[str, str]]:
    return [
        (
            "machine",
            f"{cpu_model()}; {len(os.sched_getaffinity(0))} cores; "
            f"{memory_gib():.0f} GiB; {platform.system()} {platform.release()}",
        ),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("packages", versions()),
        ("load generator", wrk_version()),
    ]
