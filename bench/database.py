"""The benchmark's own PostgreSQL database: created, filled fast, dropped afterwards."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from aurum.models.user import User
from aurum.users.service import encode_cursor

USER_PREFIX = "bench"  # seeded usernames: bench0000000, bench0000001, ...

# Columns the seed sets; every other column is copied from the prototype account, which
# the service itself created, so columns added by later migrations get valid values.
OVERRIDES = {
    "id": "gen_random_uuid()",
    "username": "$2 || lpad(i::text, 7, '0')",
    "email": "$2 || lpad(i::text, 7, '0') || '@example.com'",
    "full_name": "'Bench User ' || i",
    "role": "'user'",
    "created_at": "p.created_at - interval '1 day' + i * interval '1 millisecond'",
    "updated_at": "p.created_at - interval '1 day' + i * interval '1 millisecond'",
}


@asynccontextmanager
async def scratch_database(server_dsn: str) -> AsyncIterator[str]:
    """A new database on the server, dropped (with its connections) on the way out."""
    name = f"aurum_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        base, _, _ = server_dsn.rpartition("/")
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def clone_users(dsn: str, prototype: str, count: int) -> float:
    """Insert `count` users copied from the `prototype` account; returns the seconds taken."""
    started = time.perf_counter()
    connection = await asyncpg.connect(dsn)
    try:
        columns = [
            row["column_name"]
            for row in await connection.fetch(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = 'users' "
                "ORDER BY ordinal_position"
            )
        ]
        values = [OVERRIDES.get(column, f'p."{column}"') for column in columns]
        names = ", ".join(f'"{column}"' for column in columns)
        await connection.execute("SET synchronous_commit = off")
        await connection.execute("SET maintenance_work_mem = '256MB'")
        await connection.execute(
            f"INSERT INTO users ({names}) SELECT {', '.join(values)} "  # noqa: S608 - catalog names
            "FROM users p, generate_series(0, $3 - 1) AS i WHERE p.username = $1",
            prototype,
            USER_PREFIX,
            count,
        )
        await connection.execute("VACUUM (ANALYZE) users")
    finally:
        await connection.close()
    return time.perf_counter() - started


async def user_ids(dsn: str, count: int) -> list[uuid.UUID]:
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT id FROM users WHERE username LIKE $1 ORDER BY random() LIMIT $2",
            f"{USER_PREFIX}%",
            count,
        )
    finally:
        await connection.close()
    return [row["id"] for row in rows]


async def cursor_at(dsn: str, position: int) -> str:
    """The listing cursor after `position` users, as the service encodes it."""
    connection = await asyncpg.connect(dsn)
    try:
        row = await connection.fetchrow(
            "SELECT created_at, id FROM users ORDER BY created_at, id OFFSET $1 LIMIT 1", position
        )
    finally:
        await connection.close()
    if row is None:
        msg = f"fewer than {position} users"
        raise RuntimeError(msg)
    return encode_cursor(User(id=row["id"], created_at=row["created_at"]))


async def longest_key_chain(dsn: str) -> int:
    """The most signing keys of one algorithm (each algorithm is its own chain)."""
    connection = await asyncpg.connect(dsn)
    try:
        count: int = await connection.fetchval(
            "SELECT coalesce(max(n), 0) FROM "
            "(SELECT count(*) AS n FROM signing_keys GROUP BY algorithm) AS chains"
        )
    finally:
        await connection.close()
    return count


async def rehash_users(dsn: str, count: int, password_hash: str) -> None:
    """Give the first `count` seeded accounts `password_hash` (the calibration's hash)."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "UPDATE users SET password_hash = $1 WHERE username LIKE $2 AND username <= $3",
            password_hash,
            f"{USER_PREFIX}%",
            f"{USER_PREFIX}{count - 1:07d}",
        )
    finally:
        await connection.close()
