"""The hot paths' single-statement reads: on PostgreSQL asyncpg runs them itself, and
they must come back exactly as SQLAlchemy would have returned them."""

from __future__ import annotations

import uuid
from typing import Any

import jwt

from aurum.app_state import AppState
from aurum.auth.login_lookup import _BY_EMAIL, _BY_USERNAME
from aurum.auth.principal_repository import _ACTIVE_USER
from aurum.db.reads import fetch_one
from aurum.oauth.repository import _CALLER_AND_SERVICE_CLIENT, _CALLER_AND_SESSION
from tests.conftest import Accounts
from tests.oauth.support import OAuthClients
from tests.statements import statements_sent


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
        async with statements_sent(state) as sent:
            row = await fetch_one(state.read_engine, statement, values)
        assert row == expected
        assert [type(value) for value in row] == [type(value) for value in expected]
        assert len(sent.by_driver) == (1 if on_postgres else 0)
    missing = {"caller_id": "nobody"} | session
    assert await fetch_one(state.read_engine, _CALLER_AND_SESSION, missing) is None
