"""Your sessions: list, end one, log out everywhere (else); admins and scoped services."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from aurum.app_state import AppState
from aurum.callers.scopes import RequireScopes
from aurum.db.base import utcnow
from aurum.models.auth_session import AuthSession
from tests.conftest import PASSWORD, Accounts
from tests.oauth.support import ME, OAuthClients, bearer

MINE = "/api/v1/users/me/sessions"
JUANS = "/api/v1/users/juan/sessions"


async def sign_in(client: httpx.AsyncClient, agent: str) -> dict[str, str]:
    response = await client.post(
        "/api/v1/token",
        data={"username": "juan", "password": PASSWORD},
        headers={"User-Agent": agent},
    )
    tokens: dict[str, str] = response.json()
    return tokens


async def test_list_own_sessions(accounts: Accounts, client: httpx.AsyncClient) -> None:
    await accounts.register("juan")
    phone = await sign_in(client, "Phone/1.0")
    laptop = await sign_in(client, "Laptop/2.0")
    response = await client.get(MINE, headers=bearer(laptop["access_token"]))
    assert response.status_code == 200
    items = response.json()["items"]
    assert {item["user_agent"] for item in items} == {"Phone/1.0", "Laptop/2.0"}
    current = [item for item in items if item["current"]]
    assert [item["user_agent"] for item in current] == ["Laptop/2.0"]
    for item in items:
        assert item["ip_address"] == "203.0.113.7"
        assert item["client_id"] is None
        assert item["created_at"] <= item["last_used_at"] < item["expires_at"]
        assert set(item) == {
            "id",
            "created_at",
            "last_used_at",
            "expires_at",
            "user_agent",
            "ip_address",
            "client_id",
            "current",
        }
    assert phone["refresh_token"] not in response.text


async def test_ended_and_expired_sessions_are_not_listed(
    accounts: Accounts, client: httpx.AsyncClient, state: AppState
) -> None:
    await accounts.register("juan")
    for agent in ("Old", "Idle"):
        await sign_in(client, agent)
    ended = await sign_in(client, "Ended")
    now = await sign_in(client, "Now")
    await client.post("/api/v1/logout", headers=bearer(ended["access_token"]))
    async with state.sessionmaker.begin() as db:
        for agent, values in (
            ("Old", {"expires_at": utcnow() - timedelta(seconds=1)}),
            ("Idle", {"last_used_at": utcnow() - timedelta(days=8)}),
        ):
            await db.execute(
                update(AuthSession).where(AuthSession.user_agent == agent).values(**values)
            )
    items = (await client.get(MINE, headers=bearer(now["access_token"]))).json()["items"]
    assert [item["user_agent"] for item in items] == ["Now"]


async def test_end_one_session(accounts: Accounts, client: httpx.AsyncClient) -> None:
    await accounts.register("juan")
    phone = await sign_in(client, "Phone")
    laptop = await sign_in(client, "Laptop")
    items = (await client.get(MINE, headers=bearer(laptop["access_token"]))).json()["items"]
    phone_id = next(item["id"] for item in items if item["user_agent"] == "Phone")

    response = await client.delete(f"{MINE}/{phone_id}", headers=bearer(laptop["access_token"]))
    assert response.status_code == 204
    # At once: the phone's access token and refresh token stop working.
    assert (await client.get(ME, headers=bearer(phone["access_token"]))).status_code == 401
    refresh = await client.post("/api/v1/refresh-token", headers=bearer(phone["refresh_token"]))
    assert refresh.status_code == 401
    assert (await client.get(ME, headers=bearer(laptop["access_token"]))).status_code == 200

    again = await client.delete(f"{MINE}/{phone_id}", headers=bearer(laptop["access_token"]))
    assert again.status_code == 404
    assert again.json()["error"] == "session_not_found"


async def test_cannot_end_someone_elses_session(
    accounts: Accounts, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    juan = await sign_in(client, "Juan")
    maria = await accounts.user("maria")
    items = (await client.get(MINE, headers=bearer(juan["access_token"]))).json()["items"]
    response = await client.delete(f"{MINE}/{items[0]['id']}", headers=maria)
    assert response.status_code == 404
    assert (await client.get(ME, headers=bearer(juan["access_token"]))).status_code == 200
    bad = await client.delete(f"{MINE}/not-a-uuid", headers=maria)
    assert bad.status_code == 422


async def test_log_out_everywhere_else(accounts: Accounts, client: httpx.AsyncClient) -> None:
    await accounts.register("juan")
    others = [await sign_in(client, f"Device {n}") for n in range(3)]
    here = await sign_in(client, "Here")
    response = await client.post(f"{MINE}/revoke-others", headers=bearer(here["access_token"]))
    assert response.status_code == 204
    for tokens in others:
        assert (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code == 401
    items = (await client.get(MINE, headers=bearer(here["access_token"]))).json()["items"]
    assert [(item["user_agent"], item["current"]) for item in items] == [("Here", True)]


async def test_log_out_everywhere(accounts: Accounts, client: httpx.AsyncClient) -> None:
    await accounts.register("juan")
    phone = await sign_in(client, "Phone")
    here = await sign_in(client, "Here")
    response = await client.delete(MINE, headers=bearer(here["access_token"]))
    assert response.status_code == 204
    for tokens in (phone, here):
        assert (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code == 401
    maria = await accounts.user("maria")
    assert (await client.get(ME, headers=maria)).status_code == 200


async def test_admins_see_and_end_a_users_sessions(
    accounts: Accounts, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    phone = await sign_in(client, "Phone")
    laptop = await sign_in(client, "Laptop")
    admin = await accounts.admin()
    listed = await client.get(JUANS, headers=admin)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert {item["user_agent"] for item in items} == {"Phone", "Laptop"}
    assert not any(item["current"] for item in items)

    phone_id = next(item["id"] for item in items if item["user_agent"] == "Phone")
    assert (await client.delete(f"{JUANS}/{phone_id}", headers=admin)).status_code == 204
    assert (await client.get(ME, headers=bearer(phone["access_token"]))).status_code == 401
    assert (await client.get(ME, headers=bearer(laptop["access_token"]))).status_code == 200
    assert (await client.delete(JUANS, headers=admin)).status_code == 204
    assert (await client.get(ME, headers=bearer(laptop["access_token"]))).status_code == 401
    # The admin's own session is untouched.
    assert (await client.get(ME, headers=admin)).status_code == 200

    missing = await client.get("/api/v1/users/nobody/sessions", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["error"] == "user_not_found"


async def test_users_cannot_see_others_sessions(
    accounts: Accounts, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    maria = await accounts.user("maria")
    assert (await client.get(JUANS, headers=maria)).status_code == 403
    assert (await client.delete(JUANS, headers=maria)).status_code == 403
    assert (await client.get(JUANS)).status_code == 401


async def test_services_with_the_scope_see_and_end_sessions(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    tokens = await sign_in(client, "Phone")
    reader = await clients.register("reports", scopes=["sessions:read"])
    fraud = await clients.register("fraud", scopes=["sessions:read", "sessions:write"])
    reader_token = await clients.service_token(reader)
    fraud_token = await clients.service_token(fraud)

    assert (await client.get(JUANS, headers=bearer(reader_token))).status_code == 200
    denied = await client.delete(JUANS, headers=bearer(reader_token))
    assert denied.status_code == 403
    assert denied.json()["error"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in denied.headers["www-authenticate"]

    assert (await client.delete(JUANS, headers=bearer(fraud_token))).status_code == 204
    assert (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code == 401
    # A service token is not a user: it has no sessions of its own.
    own = await client.get(MINE, headers=bearer(fraud_token))
    assert own.status_code == 403
    assert own.json()["error"] == "user_token_required"


async def test_a_users_scoped_token_grants_nothing_extra(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    web = await clients.register(
        "web", grant_types=["password"], scopes=["sessions:read"], first_party=True
    )
    await accounts.register("juan")
    await accounts.register("maria")
    tokens = await clients.password_grant(web, "maria", PASSWORD, scope="sessions:read")
    response = await client.get(JUANS, headers=bearer(tokens["access_token"]))
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_scopes_must_be_declared() -> None:
    with pytest.raises(ValueError, match="undeclared"):
        RequireScopes("undeclared:scope")
    with pytest.raises(ValueError, match="name scopes"):
        RequireScopes()
