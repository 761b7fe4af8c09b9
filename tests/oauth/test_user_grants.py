"""The password grant (first-party apps) and the refresh_token grant at the OAuth endpoint."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select, update

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.models.auth_session import AuthSession
from tests.conftest import PASSWORD, Accounts
from tests.error_bodies import error_body
from tests.oauth.support import ME, TOKEN, OAuthClients, bearer, unverified
from tests.oauth.test_token_endpoint import assert_oauth_error

REFRESH = "/api/v1/refresh-token"


async def refresh(
    clients: OAuthClients, client_: dict[str, str], token: str, **form: str
) -> httpx.Response:
    return await clients.http.post(
        TOKEN,
        data={"grant_type": "refresh_token", "refresh_token": token, **form},
        headers=clients.auth(client_),
    )


async def test_password_grant_signs_a_user_in_through_the_client(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient, state: AppState
) -> None:
    web = await clients.register(
        "web", grant_types=["password", "refresh_token"], scopes=["xp:write"], first_party=True
    )
    await accounts.register("juan")
    tokens = await clients.password_grant(web, "juan@example.com", PASSWORD, scope="xp:write")
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "xp:write"
    assert tokens["refresh_token"]
    claims = unverified(tokens["access_token"])
    assert claims["client_id"] == web["client_id"]
    assert claims["scope"] == "xp:write"
    me = await client.get(ME, headers=bearer(tokens["access_token"]))
    assert me.json()["username"] == "juan"
    async with state.sessionmaker() as db:
        session = (
            await db.scalars(select(AuthSession).where(AuthSession.client_id.is_not(None)))
        ).one()
    assert session.client_id == web["client_id"]
    assert session.scope == "xp:write"


async def test_password_grant_without_refresh_grant_returns_no_refresh_token(
    accounts: Accounts, clients: OAuthClients
) -> None:
    kiosk = await clients.register("kiosk", grant_types=["password"], first_party=True)
    await accounts.register("juan")
    tokens = await clients.password_grant(kiosk, "juan", PASSWORD)
    assert "refresh_token" not in tokens
    assert tokens["scope"] == ""


async def test_password_grant_errors(accounts: Accounts, clients: OAuthClients) -> None:
    web = await clients.first_party()
    await accounts.register("juan")
    post = clients.http.post
    wrong = await post(
        TOKEN,
        data={"grant_type": "password", "username": "juan", "password": "wrong password"},
        headers=clients.auth(web),
    )
    assert_oauth_error(wrong, 400, "invalid_grant")
    unknown = await post(
        TOKEN,
        data={"grant_type": "password", "username": "nobody", "password": PASSWORD},
        headers=clients.auth(web),
    )
    assert_oauth_error(unknown, 400, "invalid_grant")
    assert error_body(unknown) == error_body(wrong)
    missing = await post(
        TOKEN, data={"grant_type": "password", "username": "juan"}, headers=clients.auth(web)
    )
    assert_oauth_error(missing, 400, "invalid_request")
    scope = await post(
        TOKEN,
        data={"grant_type": "password", "username": "juan", "password": PASSWORD, "scope": "x"},
        headers=clients.auth(web),
    )
    assert_oauth_error(scope, 400, "invalid_scope")


async def test_refresh_token_grant_rotates(accounts: Accounts, clients: OAuthClients) -> None:
    web = await clients.first_party()
    await accounts.register("juan")
    first = await clients.password_grant(web, "juan", PASSWORD)
    response = await refresh(clients, web, first["refresh_token"])
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert response.headers["cache-control"] == "no-store"
    me = await clients.http.get(ME, headers=bearer(second["access_token"]))
    assert me.status_code == 200
    assert unverified(second["access_token"])["client_id"] == web["client_id"]


async def test_a_reused_refresh_token_ends_the_session(
    accounts: Accounts, clients: OAuthClients
) -> None:
    web = await clients.first_party()
    await accounts.register("juan")
    first = await clients.password_grant(web, "juan", PASSWORD)
    second = (await refresh(clients, web, first["refresh_token"])).json()
    assert_oauth_error(await refresh(clients, web, first["refresh_token"]), 400, "invalid_grant")
    # The revocation was kept although the request failed.
    assert_oauth_error(await refresh(clients, web, second["refresh_token"]), 400, "invalid_grant")
    me = await clients.http.get(ME, headers=bearer(second["access_token"]))
    assert me.status_code == 401


async def test_refresh_tokens_are_bound_to_their_client(
    accounts: Accounts, clients: OAuthClients
) -> None:
    web = await clients.first_party("web")
    mobile = await clients.first_party("mobile")
    await accounts.register("juan")
    through_web = await clients.password_grant(web, "juan", PASSWORD)
    plain = await accounts.login("juan")

    other_client = await refresh(clients, mobile, through_web["refresh_token"])
    assert_oauth_error(other_client, 400, "invalid_grant")
    # A sign-in made without a client is refreshed at /refresh-token, not here...
    assert_oauth_error(await refresh(clients, web, plain["refresh_token"]), 400, "invalid_grant")
    # ...and a client's refresh token is not accepted there.
    seed = await clients.http.post(REFRESH, json={"refresh_token": through_web["refresh_token"]})
    assert seed.status_code == 401
    # None of these attempts spent the token.
    assert (await refresh(clients, web, through_web["refresh_token"])).status_code == 200


async def test_refresh_errors(accounts: Accounts, clients: OAuthClients, state: AppState) -> None:
    web = await clients.register(
        "web", grant_types=["password", "refresh_token"], scopes=["xp:write"], first_party=True
    )
    await accounts.register("juan")
    tokens = await clients.password_grant(web, "juan", PASSWORD, scope="xp:write")

    missing = await clients.http.post(
        TOKEN, data={"grant_type": "refresh_token"}, headers=clients.auth(web)
    )
    assert_oauth_error(missing, 400, "invalid_request")
    assert_oauth_error(await refresh(clients, web, "garbage"), 400, "invalid_grant")
    wider = await refresh(clients, web, tokens["refresh_token"], scope="xp:write sessions:read")
    assert_oauth_error(wider, 400, "invalid_scope")
    same = await refresh(clients, web, tokens["refresh_token"], scope="xp:write")
    assert same.status_code == 200
    assert same.json()["scope"] == "xp:write"

    async with state.sessionmaker.begin() as db:
        await db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = await refresh(clients, web, same.json()["refresh_token"])
    assert_oauth_error(expired, 400, "invalid_grant")


async def test_a_client_without_the_refresh_grant_cannot_refresh(
    accounts: Accounts, clients: OAuthClients
) -> None:
    kiosk = await clients.register("kiosk", grant_types=["password"], first_party=True)
    web = await clients.first_party()
    await accounts.register("juan")
    tokens = await clients.password_grant(web, "juan", PASSWORD)
    response = await refresh(clients, kiosk, tokens["refresh_token"])
    assert_oauth_error(response, 400, "unauthorized_client")
