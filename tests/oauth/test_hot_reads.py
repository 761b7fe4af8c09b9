"""The hot paths' single-statement reads: on PostgreSQL asyncpg runs them itself, and
they must come back exactly as SQLAlchemy would have returned them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
from sqlalchemy import event

from aurum.app_state import AppState
from aurum.auth.login_lookup import _BY_EMAIL, _BY_USERNAME
from aurum.auth.principal_repository import _ACTIVE_USER
from aurum.db.reads import fetch_one
from aurum.oauth.repository import _CALLER_AND_SERVICE_CLIENT, _CALLER_AND_SESSION
from tests.conftest import Accounts
from tests.oauth.support import OAuthClients


@contextmanager
def driver_queries(state: AppState) -> Iterator[list[str]]:
    """Statements asyncpg ran outside SQLAlchemy's execution (none on SQLite)."""
    seen: list[str] = []
    drivers: list[Any] = []

    def logged(query: Any) -> None:
        seen.append(query.query)

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        driver = dbapi_connection.driver_connection
        if hasattr(driver, "add_query_logger"):
            driver.add_query_logger(logged)
            drivers.append(driver)

    event.listen(state.read_engine.sync_engine, "checkout", checkout)
    try:
        yield seen
    finally:
        event.remove(state.read_engine.sync_engine, "checkout", checkout)
        for driver in drivers:
            driver.remove_query_logger(logged)


def unverified(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


async def test_hot_reads_return_what_sqlalchemy_returns(
    accounts: Accounts, clients: OAuthClients, state: AppState
) -> None:
    await accounts.register("juan")
    user = unverified((await accounts.login("juan"))["access_token"])
    service = await clients.register("billing", scopes=["xp:write"])
    jti = unverified(await clients.service_token(service))["jti"]
    session = {"session_id": uuid.UUID(user["sid"])}
    cases: list[tuple[Any, dict[str, Any]]] = [
        (_BY_USERNAME, {"login": "juan"}),
        (_BY_EMAIL, {"login": "juan@example.com"}),
        (_ACTIVE_USER, {"user_id": uuid.UUID(user["sub"])} | session),
        (_CALLER_AND_SESSION, {"caller_id": service["client_id"]} | session),
        (
            _CALLER_AND_SERVICE_CLIENT,
            {"caller_id": service["client_id"], "client_id": service["client_id"], "jti": jti},
        ),
    ]
    on_postgres = state.read_engine.dialect.name == "postgresql"
    for statement, values in cases:
        async with state.read_engine.connect() as connection:
            expected = tuple((await connection.execute(statement, values)).one())
        with driver_queries(state) as ran:
            row = await fetch_one(state.read_engine, statement, values)
            await asyncio.sleep(0)  # asyncpg calls its query loggers on the next loop turn
        assert row == expected
        assert [type(value) for value in row] == [type(value) for value in expected]
        assert len(ran) == (1 if on_postgres else 0)
    missing = {"caller_id": "nobody"} | session
    assert await fetch_one(state.read_engine, _CALLER_AND_SESSION, missing) is None
