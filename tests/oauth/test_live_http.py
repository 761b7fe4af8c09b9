"""As an independent client would: real HTTP against uvicorn, real client libraries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from jwt import PyJWKClient

from aurum.app_state import AppState
from aurum.bootstrap import create_admin
from aurum.keys.repository import SigningKeyRepository
from aurum.keys.rotation import KeyRotation
from tests.conftest import PASSWORD, AppFactory
from tests.live_server import CLIENT_TIMEOUT, live_server
from tests.oauth.support import basic, signing_keys_restored


async def verify_with_jwks(jwks_uri: str, token: str, audience: str, issuer: str) -> dict[str, Any]:
    """PyJWT's JWKS client fetches the key set over HTTP (urllib, so off the event loop)."""

    def verify() -> dict[str, Any]:
        signing_key = PyJWKClient(jwks_uri, cache_keys=False).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            signing_key.key,
            algorithms=["EdDSA", "ES256"],
            audience=audience,
            issuer=issuer,
        )
        return claims

    return await asyncio.to_thread(verify)


@pytest.fixture
async def cleanup(make_app: AppFactory, migrated_url: str) -> AsyncIterator[None]:
    """Rows written through the live server are deleted with the other tests' rows."""
    async with signing_keys_restored(migrated_url):
        yield


@pytest.mark.usefixtures("cleanup")
async def test_pyjwkclient_verifies_tokens_across_a_rotation(migrated_url: str) -> None:
    async with (
        live_server(migrated_url) as (base_url, app),
        httpx.AsyncClient(base_url=base_url, timeout=CLIENT_TIMEOUT) as http,
    ):
        state: AppState = app.state.aurum
        register = {"username": "juan", "email": "juan@example.com", "password": PASSWORD}
        assert (await http.post("/api/v1/users/register", json=register)).status_code == 201

        async def login() -> str:
            response = await http.post(
                "/api/v1/token", data={"username": "juan", "password": PASSWORD}
            )
            token: str = response.json()["access_token"]
            return token

        metadata = (await http.get("/.well-known/oauth-authorization-server")).json()
        jwks_uri = metadata["jwks_uri"]
        assert jwks_uri == f"{base_url}/.well-known/jwks.json"

        before = await login()
        claims = await verify_with_jwks(jwks_uri, before, "aurum", base_url)
        assert claims["sub"]
        assert claims["typ"] == "access"

        async with state.sessionmaker.begin() as db:
            rotation = KeyRotation(SigningKeyRepository(db), state.keys, state.access_tokens.ttl)
            new_key, _ = await rotation.rotate("EdDSA")
        await state.keys.refresh()

        after = await login()
        assert jwt.get_unverified_header(after)["kid"] == new_key.kid
        assert jwt.get_unverified_header(after)["alg"] == "EdDSA"
        assert jwt.get_unverified_header(before)["kid"] != new_key.kid
        for token in (before, after):
            verified = await verify_with_jwks(jwks_uri, token, "aurum", base_url)
            assert verified["iss"] == base_url


@pytest.mark.usefixtures("cleanup")
async def test_discovery_client_credentials_introspect_revoke(migrated_url: str) -> None:
    async with live_server(migrated_url) as (base_url, app):
        state: AppState = app.state.aurum
        # An administrator registers the service (the only step not done over the wire).
        await _create_admin(state)
        async with httpx.AsyncClient(base_url=base_url, timeout=CLIENT_TIMEOUT) as http:
            admin_login = await http.post(
                "/api/v1/token", data={"username": "root", "password": PASSWORD}
            )
            admin = {"Authorization": f"Bearer {admin_login.json()['access_token']}"}
            created = await http.post(
                "/api/v1/oauth/clients",
                json={
                    "name": "reports",
                    "grant_types": ["client_credentials"],
                    "scopes": ["sessions:read"],
                },
                headers=admin,
            )
            assert created.status_code == 201
            client_id = created.json()["client_id"]
            secret = created.json()["client_secret"]

        # From here on: an independent client that knows only the issuer URL and its secret.
        async with httpx.AsyncClient() as independent:
            metadata = (
                await independent.get(f"{base_url}/.well-known/openid-configuration")
            ).json()
            assert metadata["issuer"] == base_url
            assert "client_credentials" in metadata["grant_types_supported"]
            auth = httpx.BasicAuth(client_id, secret)

            issued = await independent.post(
                metadata["token_endpoint"],
                data={"grant_type": "client_credentials", "scope": "sessions:read"},
                auth=auth,
            )
            assert issued.status_code == 200, issued.text
            token = issued.json()["access_token"]

            active = await independent.post(
                metadata["introspection_endpoint"], data={"token": token}, auth=auth
            )
            assert active.json()["active"] is True
            assert active.json()["client_id"] == client_id
            assert active.json()["scope"] == "sessions:read"
            assert active.json()["iss"] == base_url

            revoked = await independent.post(
                metadata["revocation_endpoint"],
                data={"token": token, "token_type_hint": "access_token"},
                headers=basic(client_id, secret),
            )
            assert revoked.status_code == 200

            inactive = await independent.post(
                metadata["introspection_endpoint"], data={"token": token}, auth=auth
            )
            assert inactive.json() == {"active": False}


async def _create_admin(state: AppState) -> None:
    await create_admin(
        state.sessionmaker,
        state.passwords,
        state.settings,
        username="root",
        email="root@example.com",
        password=PASSWORD,
    )
