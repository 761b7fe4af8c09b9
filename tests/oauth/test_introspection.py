"""RFC 7662 introspection: authenticated clients only; inactive tokens say nothing else."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import jwt
import pytest
from sqlalchemy import update

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.models.auth_session import AuthSession
from tests.conftest import PASSWORD, Accounts
from tests.oauth.support import CLIENTS, INTROSPECT, ME, OAuthClients, bearer, unverified
from tests.oauth.test_token_endpoint import assert_oauth_error

ACCESS_FIELDS = {"active", "scope", "username", "token_type", "exp", "iat", "nbf"}
ACCESS_FIELDS |= {"sub", "aud", "iss", "jti", "client_id"}


async def test_only_authenticated_clients_may_introspect(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    anonymous = await client.post(INTROSPECT, data={"token": tokens["access_token"]})
    assert_oauth_error(anonymous, 401, "invalid_client")
    # A user's bearer token is not client authentication.
    as_user = await client.post(
        INTROSPECT,
        data={"token": tokens["access_token"]},
        headers=bearer(tokens["access_token"]),
    )
    assert_oauth_error(as_user, 401, "invalid_client")
    resource = await clients.register("resource")
    wrong = {**resource, "client_secret": "nope"}
    for token in (tokens["access_token"], tokens["refresh_token"], "garbage"):
        response = await client.post(INTROSPECT, data={"token": token}, headers=clients.auth(wrong))
        assert_oauth_error(response, 401, "invalid_client")


async def test_missing_token_is_invalid_request(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    resource = await clients.register("resource")
    response = await client.post(INTROSPECT, data={}, headers=clients.auth(resource))
    assert_oauth_error(response, 400, "invalid_request")


async def test_a_user_access_token(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    user = await accounts.register("juan")
    tokens = await accounts.login("juan")
    resource = await clients.register("resource")
    response = await client.post(
        INTROSPECT,
        data={"token": tokens["access_token"], "token_type_hint": "access_token"},
        headers=clients.auth(resource),
    )
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    claims = unverified(tokens["access_token"])
    assert set(body) == ACCESS_FIELDS
    assert body["active"] is True
    assert body["username"] == "juan"
    assert body["sub"] == user["id"]
    assert body["token_type"] == "Bearer"
    assert body["scope"] == ""
    assert body["client_id"] == "aurum"  # the built-in first-party client (RFC 9068 §2.2)
    for name in ("exp", "iat", "nbf", "aud", "iss", "jti"):
        assert body[name] == claims[name]


async def test_a_user_token_through_a_client_names_it(
    accounts: Accounts, clients: OAuthClients
) -> None:
    web = await clients.register(
        "web", grant_types=["password"], scopes=["xp:write"], first_party=True
    )
    await accounts.register("juan")
    tokens = await clients.password_grant(web, "juan", PASSWORD, scope="xp:write")
    resource = await clients.register("resource")
    body = await clients.introspect(resource, tokens["access_token"])
    assert body["client_id"] == web["client_id"]
    assert body["scope"] == "xp:write"


async def test_a_service_token(clients: OAuthClients, client: httpx.AsyncClient) -> None:
    service = await clients.register("billing", scopes=["sessions:read", "xp:write"])
    token = await clients.service_token(service)
    resource = await clients.register("resource")
    body = await clients.introspect(resource, token)
    assert body["active"] is True
    assert body["client_id"] == body["sub"] == service["client_id"]
    assert body["scope"] == "sessions:read xp:write"
    assert "username" not in body

    # Scopes taken from the client are gone from its tokens at once.
    await client.patch(
        f"{CLIENTS}/{service['client_id']}",
        json={"scopes": ["xp:write"]},
        headers=await clients.admin(),
    )
    assert (await clients.introspect(resource, token))["scope"] == "xp:write"


async def test_a_refresh_token(accounts: Accounts, clients: OAuthClients) -> None:
    user = await accounts.register("juan")
    tokens = await accounts.login("juan")
    resource = await clients.register("resource")
    body = await clients.introspect(resource, tokens["refresh_token"])
    assert body["active"] is True
    assert body["token_type"] == "refresh_token"
    assert body["client_id"] == "aurum"  # as its access tokens say
    assert body["username"] == "juan"
    assert body["sub"] == user["id"]
    assert body["iss"] == "http://testserver"
    assert body["iat"] <= time.time() + 1
    assert body["exp"] > time.time() + 6 * 24 * 3600  # the 7-day idle limit comes first


@pytest.mark.parametrize(
    "token", ["garbage", "a.b.c", "e30.e30.e30", "x" * 4000, "eyJhbGciOiJub25lIn0.e30."]
)
async def test_anything_else_is_only_inactive(clients: OAuthClients, token: str) -> None:
    resource = await clients.register("resource")
    assert await clients.introspect(resource, token) == {"active": False}


async def test_expired_and_forged_tokens_are_inactive(
    accounts: Accounts, clients: OAuthClients, state: AppState
) -> None:
    await accounts.register("juan")
    claims = unverified((await accounts.login("juan"))["access_token"])
    key = state.access_tokens.signing_key
    assert key.private_key is not None
    expired = jwt.encode(
        claims | {"exp": int(time.time()) - 60},
        key.private_key,
        algorithm="EdDSA",
        headers={"kid": key.kid, "typ": "at+jwt"},
    )
    other_audience = jwt.encode(
        claims | {"aud": "elsewhere"},
        key.private_key,
        algorithm="EdDSA",
        headers={"kid": key.kid, "typ": "at+jwt"},
    )
    resource = await clients.register("resource")
    for token in (expired, other_audience):
        assert await clients.introspect(resource, token) == {"active": False}


async def test_ended_sessions_are_inactive_at_once(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    resource = await clients.register("resource")
    assert (await clients.introspect(resource, tokens["access_token"]))["active"] is True
    await client.post("/api/v1/logout", headers=bearer(tokens["access_token"]))
    for token in (tokens["access_token"], tokens["refresh_token"]):
        assert await clients.introspect(resource, token) == {"active": False}
    assert (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code == 401


async def test_spent_idle_and_disabled_are_inactive(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient, state: AppState
) -> None:
    await accounts.register("juan")
    first = await accounts.login("juan")
    resource = await clients.register("resource")
    rotated = await client.post("/api/v1/refresh-token", headers=bearer(first["refresh_token"]))
    assert await clients.introspect(resource, first["refresh_token"]) == {"active": False}

    second = rotated.json()
    async with state.sessionmaker.begin() as db:
        await db.execute(update(AuthSession).values(last_used_at=utcnow() - timedelta(days=8)))
    assert await clients.introspect(resource, second["refresh_token"]) == {"active": False}

    third = await accounts.login("juan")
    await client.patch("/api/v1/users/juan", json={"disabled": True}, headers=await clients.admin())
    for token in (third["access_token"], third["refresh_token"]):
        assert await clients.introspect(resource, token) == {"active": False}
