"""PASSWORD_GRANT_ENABLED=false closes the legacy password path, and only it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import PASSWORD, Accounts, AppFactory
from tests.oauth.support import TOKEN, OAuthClients, bearer


@pytest.fixture
def clients(accounts: Accounts) -> OAuthClients:
    return OAuthClients(accounts)


@pytest.fixture
async def closed(make_app: AppFactory) -> AsyncIterator[httpx.AsyncClient]:
    """The same database, served by an instance with the password grant off."""
    app = await make_app(password_grant_enabled=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_the_seed_sign_in_is_refused_with_a_stable_code(
    accounts: Accounts, closed: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    form = {"username": "juan", "password": PASSWORD}
    response = await closed.post("/api/v1/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert "turned off" in response.json()["message"]
    spanish = await closed.post("/api/v1/token", data=form, headers={"Accept-Language": "es"})
    assert spanish.json()["error"] == "unsupported_grant_type"
    assert "desactivado" in spanish.json()["message"]


async def test_the_second_step_is_refused_too(closed: httpx.AsyncClient) -> None:
    response = await closed.post(
        "/api/v1/token/mfa", json={"mfa_token": "x" * 43, "code": "123456"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


async def test_the_oauth_password_grant_is_refused(
    accounts: Accounts, clients: OAuthClients, closed: httpx.AsyncClient
) -> None:
    web = await clients.first_party()
    await accounts.register("juan")
    response = await closed.post(
        TOKEN,
        data={"grant_type": "password", "username": "juan", "password": PASSWORD},
        headers=clients.auth(web),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "unsupported_grant_type"
    assert body["error_description"] == body["message"]


async def test_discovery_stops_listing_it(
    client: httpx.AsyncClient, closed: httpx.AsyncClient
) -> None:
    url = "/.well-known/openid-configuration"
    assert "password" in (await client.get(url)).json()["grant_types_supported"]
    grants = (await closed.get(url)).json()["grant_types_supported"]
    assert "password" not in grants
    assert {"authorization_code", "refresh_token"} <= set(grants)


async def test_sessions_opened_before_go_on(accounts: Accounts, closed: httpx.AsyncClient) -> None:
    """Refresh tokens already issued keep rotating, and their access tokens keep working."""
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    refreshed = await closed.post("/api/v1/refresh-token", headers=bearer(tokens["refresh_token"]))
    assert refreshed.status_code == 200, refreshed.text
    me = await closed.get("/api/v1/users/me", headers=bearer(refreshed.json()["access_token"]))
    assert me.status_code == 200
