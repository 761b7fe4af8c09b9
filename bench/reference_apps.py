"""The reference limits R1 and R2: what the server and the machine allow without Aurum.

R1 is a bare Starlette app returning a small JSON. R2 is a bare Starlette endpoint that
does the irreducible work of an authenticated read: verify one EdDSA JWT with PyJWT and
fetch one row by primary key with raw asyncpg. Both run under the same server and worker
count as the service, so the ratios measure only what the service adds.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

USER_QUERY = "SELECT id, username, email, full_name FROM users WHERE id = $1"


async def hello(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def r1() -> Starlette:
    """R1: a small JSON."""
    return Starlette(routes=[Route("/", hello)])


def r2() -> Starlette:
    """R2: one JWT verified, one row by primary key (settings from BENCH_R2_* variables)."""
    public_key = load_pem_public_key(os.environ["BENCH_R2_PUBLIC_KEY"].encode())
    dsn = os.environ["BENCH_R2_DATABASE_URL"]
    pool_size = int(os.environ.get("BENCH_R2_POOL_SIZE", "10"))
    pools: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        pools["db"] = await asyncpg.create_pool(dsn, min_size=pool_size, max_size=pool_size)
        try:
            yield
        finally:
            await pools["db"].close()

    async def me(request: Request) -> JSONResponse:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return JSONResponse({"error": "not_authenticated"}, status_code=401)
        try:
            claims = jwt.decode(token, public_key, algorithms=["EdDSA"], audience="bench")  # type: ignore[arg-type]
            user_id = uuid.UUID(claims["sub"])
        except (jwt.InvalidTokenError, KeyError, ValueError):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        row = await pools["db"].fetchrow(USER_QUERY, user_id)
        if row is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse({**dict(row), "id": str(row["id"])})

    return Starlette(routes=[Route("/me", me), Route("/health", hello)], lifespan=lifespan)
