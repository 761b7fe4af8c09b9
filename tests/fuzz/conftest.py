from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from aurum.models.catalog import City, Province, Region
from tests.conftest import DATA_TABLES, Accounts, AppFactory
from tests.fuzz.world import World

CATALOGS: tuple[type[Region | Province | City], ...] = (Region, Province, City)  # parents first


@pytest.fixture(autouse=True)
async def _restore_catalogs(migrated_url: str) -> AsyncIterator[None]:
    """The catalogs outlive tests, and the fuzzer, as an admin, edits and deletes entries.

    Autouse, so it is set up before the app and torn down after it: the rows are put back
    exactly as they were (same ids), once no account or company points at them.
    """
    engine = create_async_engine(migrated_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            before = [(await connection.execute(select(m.__table__))).all() for m in CATALOGS]
        snapshot = [set(rows) for rows in before]
        yield
        async with engine.begin() as connection:
            after = [(await connection.execute(select(m.__table__))).all() for m in CATALOGS]
            if [set(rows) for rows in after] == snapshot:
                return
            for table in DATA_TABLES:
                await connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
            for model in reversed(CATALOGS):
                await connection.execute(delete(model))
            for model, rows in zip(CATALOGS, before, strict=True):
                await connection.execute(insert(model), [row._asdict() for row in rows])
    finally:
        await engine.dispose()


@pytest.fixture
async def app(make_app: AppFactory) -> FastAPI:
    """Rate limits on, so that their code runs on fuzzed input too, with bounds that the
    world's own sign-ins and sign-ups stay under (the fuzzer's requests may hit others)."""
    generous = "100000/minute"
    return await make_app(
        rate_limit_enabled=True,
        rate_limits={
            f"{scope}.{key}": generous
            for scope in ("login", "register", "refresh")
            for key in ("ip", "account")
        },
        login_free_failures=100,
        login_account_failures_per_hour=100_000,
    )


@pytest.fixture
async def world(client: httpx.AsyncClient, accounts: Accounts) -> World:
    result = World(client, accounts)
    await result.populate()
    return result
