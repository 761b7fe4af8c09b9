from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from aurum.catalogs.loader import load_catalogs, read_dpa
from aurum.models.catalog import City, Province, Region


@pytest.fixture(autouse=True)
async def _restore_catalogs(migrated_url: str) -> AsyncIterator[None]:
    """The catalogs outlive tests: undo what admin tests added or changed.

    Autouse, so it is set up before the app and torn down after the app's rows are gone.
    """
    yield
    dpa = read_dpa()
    engine = create_async_engine(migrated_url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            for model, key in ((City, "cantons"), (Province, "provinces"), (Region, "regions")):
                codes = [entry["code"] for entry in dpa[key]]
                await connection.execute(delete(model).where(model.code.not_in(codes)))
        await load_catalogs(async_sessionmaker(engine))
    finally:
        await engine.dispose()
