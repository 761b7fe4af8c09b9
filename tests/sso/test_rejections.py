"""Tokens the provider does not vouch for, or not for us, or not now, are refused."""

from __future__ import annotations

import logging

import httpx
import pytest
from pydantic import ValidationError

from aurum.app_state import AppState
from tests.conftest import AppFactory, make_settings
from tests.sso.conftest import ME, ClientFactory, bearer, eventually, sso_settings
from tests.sso.oidc import API, OTHER_API, OidcProvider


async def assert_invalid(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get(ME, headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_token"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_revoked_token_is_refused(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    token = await provider.client_credentials()
    await provider.revoke(token)
    await assert_invalid(client, token)


async def test_an_expired_token_is_refused(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    await provider.control(token_ttl=3)
    token = await provider.client_credentials()
    assert (await client.get(ME, headers=bearer(token))).status_code == 200

    async def refused() -> bool:
        return (await client.get(ME, headers=bearer(token))).status_code == 401

    await eventually(refused)
    await assert_invalid(client, token)


async def test_a_token_for_another_audience_is_refused(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    await assert_invalid(client, await provider.client_credentials(resource=OTHER_API))
    await assert_invalid(client, await provider.client_credentials(resource=None))  # no `aud`
    await assert_invalid(client, await provider.user_token("ines", resource=OTHER_API))


async def test_several_audiences_can_be_accepted(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    audiences = f"https://api2.aurum.test, {API}"
    client = await open_client(**sso_settings(provider, sso_audience=audiences))
    for resource in ("https://api2.aurum.test", API):
        token = await provider.client_credentials(resource=resource)
        assert (await client.get(ME, headers=bearer(token))).status_code == 200
    await assert_invalid(client, await provider.client_credentials(resource=OTHER_API))


async def test_a_token_of_another_issuer_is_refused(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    # Aurum trusts issuer X; the introspection endpoint answers for its own issuer, Y.
    client = await open_client(
        **sso_settings(
            provider,
            sso_issuer="https://sso.example.org/realms/aurum",
            sso_introspection_endpoint=f"{provider.issuer}/token/introspection",
        )
    )
    await assert_invalid(client, await provider.client_credentials())
    assert await provider.introspections() == 1


async def test_tokens_that_are_not_access_tokens_are_refused(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    tokens = await provider.sign_in("irene")
    await assert_invalid(client, tokens["refresh_token"])
    await assert_invalid(client, tokens["id_token"])  # a JWT, but not ours: introspected
    await assert_invalid(client, "made-up-token")
    await assert_invalid(client, "x" * 20_000)  # refused before reaching the provider
    assert await provider.introspections() == 3


async def test_form_client_authentication(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(
        **sso_settings(
            provider,
            client_id="aurum-post",
            client_secret="aurum-post-secret",
            sso_client_auth_method="client_secret_post",
        )
    )
    token = await provider.client_credentials()
    assert (await client.get(ME, headers=bearer(token))).status_code == 200


async def test_wrong_client_credentials_are_an_outage_not_the_callers_fault(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(**sso_settings(provider, client_secret="wrong"))
    response = await client.get(ME, headers=bearer(await provider.client_credentials()))
    assert response.status_code == 503
    assert response.json()["error"] == "sso_unavailable"


async def test_tokens_are_never_logged(
    client: httpx.AsyncClient, provider: OidcProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    good = await provider.client_credentials()
    bad = await provider.client_credentials(resource=OTHER_API)
    assert (await client.get(ME, headers=bearer(good))).status_code == 200
    await assert_invalid(client, bad)
    assert caplog.records  # something was logged, and none of it is a token
    assert good not in caplog.text
    assert bad not in caplog.text


async def test_without_sso_external_tokens_are_just_invalid(
    make_app: AppFactory, open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client()
    token = await provider.client_credentials()
    await assert_invalid(client, token)
    app = await make_app()
    state: AppState = app.state.aurum
    assert state.sso is None
    assert state.http_client is None
    assert await provider.introspections() == 0

    body = {"username": "olga", "email": "olga@example.com", "password": "correct horse battery"}
    assert (await client.post("/api/v1/users/register", json=body)).status_code == 201
    login = await client.post(
        "/api/v1/token", data={"username": "olga", "password": body["password"]}
    )
    olga = bearer(login.json()["access_token"])
    link = await client.post("/api/v1/sso/identities", json={"token": token}, headers=olga)
    assert link.status_code == 404
    assert link.json()["error"] == "sso_not_configured"


def test_sso_settings_must_be_complete() -> None:
    with pytest.raises(ValidationError, match="CLIENT_ID, CLIENT_SECRET, SSO_AUDIENCE"):
        make_settings("sqlite+aiosqlite://", sso_issuer="https://sso.example.org")
    settings = make_settings(
        "sqlite+aiosqlite://",
        sso_issuer="https://sso.example.org",
        client_id="aurum",
        client_secret="s",
        sso_audience="a, b",
    )
    assert settings.sso_audience == ["a", "b"]
    assert settings.sso_enabled
    assert not make_settings("sqlite+aiosqlite://").sso_enabled
