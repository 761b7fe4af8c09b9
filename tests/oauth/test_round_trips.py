"""Every authenticated request pays one database round trip, introspection included."""

from __future__ import annotations

import httpx

from aurum.app_state import AppState
from tests.conftest import Accounts
from tests.oauth.support import INTROSPECT, ME, OAuthClients, bearer
from tests.statements import Sent, statements_sent

SQL = ("SELECT", "INSERT", "UPDATE", "DELETE")
BESIDE = ("SIGNING_KEYS", "JOBS")


def kinds(sent: Sent) -> list[str]:
    """The kinds of statement sent; the periodic key reload and the job runner's polling
    run beside requests, on their own schedule (a request never queries the jobs)."""
    statements = (sql.lstrip().upper() for sql in sent.all)
    return [
        statement.split()[0]
        for statement in statements
        if statement.startswith(SQL) and not any(table in statement for table in BESIDE)
    ]


async def test_a_users_request_is_one_query(
    accounts: Accounts, client: httpx.AsyncClient, state: AppState
) -> None:
    headers = await accounts.user("juan")
    await state.jobs.drain()  # the sign-up's email job writes beside the request
    async with statements_sent(state) as sent:
        assert (await client.get(ME, headers=headers)).status_code == 200
    assert kinds(sent) == ["SELECT"]


async def test_introspecting_an_access_token_is_one_query(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient, state: AppState
) -> None:
    await accounts.register("juan")
    user_token = (await accounts.login("juan"))["access_token"]
    resource = await clients.register("resource")
    service = await clients.register("billing", scopes=["xp:write"])
    service_token = await clients.service_token(service)
    await state.jobs.drain()  # the sign-up's email job writes beside the request
    for token in (user_token, service_token):
        async with statements_sent(state) as sent:
            response = await client.post(
                INTROSPECT, data={"token": token}, headers=clients.auth(resource)
            )
        assert response.json()["active"] is True
        assert kinds(sent) == ["SELECT"]


async def test_a_service_request_is_checked_in_one_query(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient, state: AppState
) -> None:
    service = await clients.register("billing", scopes=["sessions:read"])
    token = await clients.service_token(service)
    await accounts.register("juan")
    await state.jobs.drain()  # the sign-up's email job writes beside the request
    async with statements_sent(state) as sent:
        response = await client.get("/api/v1/users/juan/sessions", headers=bearer(token))
    assert response.status_code == 200
    # The caller check, then the endpoint's own work (find the user, list the sessions).
    assert kinds(sent) == ["SELECT", "SELECT", "SELECT"]
