"""Without a pre-ping, a pooled connection may be dead (the database restarted)."""

from __future__ import annotations

import uuid
from typing import Any, cast

import pytest
from fastapi import FastAPI
from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.db.reads import execute, transaction
from aurum.models.audit_event import AuditEvent
from tests.conftest import Accounts

_EVENTS = cast("Table", AuditEvent.__table__)


async def test_a_dead_pooled_connection_does_not_fail_an_authenticated_read(
    app: FastAPI, accounts: Accounts
) -> None:
    headers = await accounts.user("juan")
    assert (await accounts.client.get("/api/v1/users/me", headers=headers)).status_code == 200
    # The connection that read served from is now idle in the pool; kill it underneath.
    async with app.state.aurum.read_engine.connect() as connection:
        raw = await connection.get_raw_connection()
        await raw.driver_connection.close()
    response = await accounts.client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "juan"


async def _kill_the_pools_only_connection(engine: AsyncEngine) -> None:
    await engine.dispose()
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.close()


async def _written(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        query = select(func.count()).where(_EVENTS.c.event_type == "test.write")
        return int(await connection.scalar(query) or 0)


def _event() -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "occurred_at": utcnow(),
        "event_type": "test.write",
        "actor_id": None,
        "subject_id": None,
        "ip_address": None,
        "user_agent": None,
        "details": {},
    }


async def test_a_write_on_a_dead_connection_fails_and_is_not_repeated(state: AppState) -> None:
    """It may have been committed before its connection died: a retry could write twice."""
    await state.jobs.close(grace=5)  # the pool's only connection is the test's
    engine = state.read_engine
    await _kill_the_pools_only_connection(engine)
    with pytest.raises(DBAPIError) as failed:
        await execute(engine, insert(_EVENTS), _event())
    assert failed.value.connection_invalidated
    await execute(engine, insert(_EVENTS), _event())  # on a new connection
    assert await _written(engine) == 1


async def test_a_driver_transaction_on_a_dead_connection_fails_and_is_not_repeated(
    state: AppState,
) -> None:
    await state.jobs.close(grace=5)  # the pool's only connection is the test's
    engine = state.engine
    if engine.dialect.name != "postgresql":  # asyncpg's own: refused, never run otherwise
        with pytest.raises(ValueError, match="asyncpg"):
            async with transaction(engine):
                pass
        return
    await _kill_the_pools_only_connection(engine)
    with pytest.raises(DBAPIError) as failed:
        async with transaction(engine) as writing:
            await writing.fetch_one(insert(_EVENTS), _event())
    assert failed.value.connection_invalidated
    async with transaction(engine) as writing:  # on a new connection
        await writing.fetch_one(insert(_EVENTS), _event())
    assert await _written(engine) == 1
