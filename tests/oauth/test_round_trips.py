"""Every authenticated request pays one database round trip, introspection included."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import event

from aurum.app_state import AppState
from tests.conftest import Accounts
from tests.oauth.support import INTROSPECT, ME, OAuthClients, bearer

SQL = ("SELECT", "INSERT", "UPDATE", "DELETE")


@asynccontextmanager
async def statements(state: AppState) -> AsyncIterator[list[str]]:
    """Every statement sent: through SQLAlchemy, and (PostgreSQL's hot reads) by asyncpg
    itself on a pooled connection (asyncpg tells its query loggers on the next loop turn)."""
    seen: list[str] = []
    drivers: list[Any] = []

    def statement_seen(sql: str) -> None:
        statement = sql.lstrip().upper()
        # The periodic key reload runs beside requests; it is not part of them.
        if statement.startswith(SQL) and "SIGNING_KEYS" not in statement:
            seen.append(statement.split()[0])

    def record(*args: Any) -> None:
        statement_seen(str(args[2]))

    def logged(query: Any) -> None:
        statement_seen(query.query)

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        driver = dbapi_connection.driver_connection
        if hasattr(driver, "add_query_logger"):  # asyncpg
            driver.add_query_logger(logged)
            drivers.append(driver)

    engines = [state.engine.sync_engine, state.read_engine.sync_engine]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
        event.listen(engine, "checkout", checkout)
    try:
        yield seen
        await asyncio.sleep(0)
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
            event.remove(engine, "checkout", checkout)
        for driver in drivers:
            driver.remove_query_logger(logged)


async def test_a_users_request_is_one_query(
    accounts: Accounts, client: httpx.AsyncClient, state: AppState
) -> None:
    headers = await accounts.user("juan")
    await state.mail.drain()  # the sign-up's email job writes beside the request
    async with statements(state) as seen:
        assert (await client.get(ME, headers=headers)).status_code == 200
    assert seen == ["SELECT"]


async def test_introspecting_an_access_token_is_one_query(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient, state: AppState
) -> None:
    await accounts.register("juan")
    user_token = (await accounts.login("juan"))["access_token"]
    resource = await clients.register("resource")
    service = await clients.register("billing", scopes=["xp:write"])
    service_token = await clients.service_token(service)
    await state.mail.drain()  # the sign-up's email job writes beside the request
    for token in (user_token, service_token):
        async with statements(state) as seen:
            response = await client.post(
                INTROSPECT, data={"token": token}, headers=clients.auth(resource)
            )
        assert response.json()["active"] is True
        assert seen == ["SELECT"]


async def test_a_service_request_is_checked_in_one_query(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient, state: AppState
) -> None:
    service = await clients.register("billing", scopes=["sessions:read"])
    token = await clients.service_token(service)
    await accounts.register("juan")
    await state.mail.drain()  # the sign-up's email job writes beside the request
    async with statements(state) as seen:
        response = await client.get("/api/v1/users/juan/sessions", headers=bearer(token))
    assert response.status_code == 200
    # The caller check, then the endpoint's own work (find the user, list the sessions).
    assert seen == ["SELECT", "SELECT", "SELECT"]
