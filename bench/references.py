"""R1 and R2 measured under the same server and worker count as the service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from bench import loadgen, servers
from bench.loadgen import Load, Measurement

LoadFactory = Callable[..., Load]


async def measure_r1(load: LoadFactory, server: str, workers: int, logs: Path) -> Measurement:
    port = servers.free_port()
    command = servers.reference_command(server, "r1", port, workers)
    async with servers.serving(command, {}, port, "/", logs / f"r1-{server}.log") as running:
        await loadgen.run(load("get.lua", running.base_url, "path=/", seconds=1))  # warm-up
        return await running.measure(load("get.lua", running.base_url, "path=/"))


async def measure_r2(
    load: LoadFactory, server: str, workers: int, dsn: str, ids: list[uuid.UUID], logs: Path
) -> Measurement:
    key = ed25519.Ed25519PrivateKey.generate()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    expires = datetime.now(UTC) + timedelta(hours=1)
    tokens = logs / "r2-tokens.txt"
    tokens.write_text(
        "".join(
            jwt.encode({"sub": str(i), "aud": "bench", "exp": expires}, key, algorithm="EdDSA")
            + "\n"
            for i in ids
        )
    )
    env = {"BENCH_R2_PUBLIC_KEY": public_pem.decode(), "BENCH_R2_DATABASE_URL": dsn}
    port = servers.free_port()
    command = servers.reference_command(server, "r2", port, workers)
    async with servers.serving(command, env, port, "/health", logs / "r2.log") as running:
        args = ("path=/me", f"tokens={tokens}")
        await loadgen.run(load("get.lua", running.base_url, *args, seconds=1))  # warm-up
        return await running.measure(load("get.lua", running.base_url, *args))
