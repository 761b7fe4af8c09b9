"""Each app chooses how its ID tokens are signed (id_token_signed_response_alg), and a
relying party on Authlib (joserfc underneath) verifies every choice."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from aurum.app_state import AppState
from aurum.main import signing_chains
from tests.conftest import Accounts
from tests.oauth.code_flow import (
    AUTHORIZE,
    ISSUER,
    TOKEN_ENDPOINT,
    browse,
    register_app,
    relying_party,
)
from tests.oauth.support import CLIENTS, OAuthClients, signing_keys_restored


@pytest.fixture(autouse=True)
async def _restore_keys(migrated_url: str) -> AsyncIterator[None]:
    """A client's choice starts a key chain; the next tests start without it."""
    async with signing_keys_restored(migrated_url):
        yield


async def id_token_for(app: FastAPI, browser: httpx.AsyncClient, notas: dict[str, Any]) -> str:
    """The ID token of a complete code flow for juan."""
    rp = relying_party(app, notas, "openid")
    verifier = secrets.token_urlsafe(48)
    url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=verifier)
    back = await browse(browser, url)
    async with rp:
        token = await rp.fetch_token(
            TOKEN_ENDPOINT, authorization_response=back.headers["location"], code_verifier=verifier
        )
    id_token: str = token["id_token"]
    return id_token


async def as_authlib_verifies(http: httpx.AsyncClient, id_token: str) -> dict[str, Any]:
    """What Authlib's OpenID client does (`parse_id_token`): the algorithms discovery
    lists, the keys of the JWKS, joserfc's checks."""
    metadata = (await http.get("/.well-known/openid-configuration")).json()
    keys = KeySet.import_key_set((await http.get("/.well-known/jwks.json")).json())
    registry = JWSRegistry(algorithms=metadata["id_token_signing_alg_values_supported"])
    token = jose_jwt.decode(id_token, keys, registry=registry)
    claims: dict[str, Any] = token.claims
    assert claims["iss"] == ISSUER
    return {"header": token.header, "claims": claims}


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "Ed25519"])
async def test_the_id_token_is_signed_as_the_app_registered(
    app: FastAPI,
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
    algorithm: str,
) -> None:
    await accounts.user("juan")
    notas = await register_app(clients, id_token_signed_response_alg=algorithm)
    assert notas["id_token_signed_response_alg"] == algorithm
    id_token = await id_token_for(app, client, notas)
    verified = await as_authlib_verifies(client, id_token)
    assert verified["header"]["alg"] == algorithm
    assert verified["claims"]["aud"] == notas["client_id"]
    # The key is published under the algorithm's own name (RFC 9864 for Ed25519).
    jwks = (await client.get("/.well-known/jwks.json")).json()["keys"]
    key = next(key for key in jwks if key["kid"] == verified["header"]["kid"])
    assert key["alg"] == algorithm


async def test_apps_that_chose_nothing_get_the_default(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    notas = await register_app(clients)
    assert notas["id_token_signed_response_alg"] is None
    verified = await as_authlib_verifies(client, await id_token_for(app, client, notas))
    assert verified["header"]["alg"] == "RS256"


async def test_an_app_changes_its_choice(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    notas = await register_app(clients)
    url = f"{CLIENTS}/{notas['client_id']}"
    change = {"id_token_signed_response_alg": "Ed25519"}
    changed = await client.patch(url, json=change, headers=await clients.admin())
    assert changed.status_code == 200
    assert changed.json()["id_token_signed_response_alg"] == "Ed25519"
    header = jwt.get_unverified_header(await id_token_for(app, client, notas))
    assert header["alg"] == "Ed25519"
    back = await client.patch(
        url, json={"id_token_signed_response_alg": ""}, headers=await clients.admin()
    )
    assert back.status_code == 200
    assert back.json()["id_token_signed_response_alg"] is None  # the service's default again
    header = jwt.get_unverified_header(await id_token_for(app, client, notas))
    assert header["alg"] == "RS256"


@pytest.mark.parametrize("algorithm", ["EdDSA", "HS256", "none", "PS256", "rs256", ""])
async def test_other_algorithms_are_refused(
    clients: OAuthClients, client: httpx.AsyncClient, algorithm: str
) -> None:
    body = {
        "name": "Notas",
        "grant_types": ["authorization_code"],
        "scopes": ["openid"],
        "redirect_uris": ["https://app.example/callback"],
        "id_token_signed_response_alg": algorithm,
    }
    response = await client.post(CLIENTS, json=body, headers=await clients.admin())
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


async def test_discovery_lists_exactly_what_can_be_used(
    client: httpx.AsyncClient, accounts: Accounts, clients: OAuthClients, app: FastAPI
) -> None:
    metadata = (await client.get("/.well-known/openid-configuration")).json()
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256", "ES256", "Ed25519"]
    # Access tokens are signed by their own chain only.
    assert metadata["access_token_signing_alg_values_supported"] == ["EdDSA"]


async def test_every_instance_starts_the_chains_clients_chose(
    clients: OAuthClients, state: AppState
) -> None:
    await register_app(clients, id_token_signed_response_alg="ES256")
    chains = await signing_chains(state.settings, state.sessionmaker)
    assert chains == ["EdDSA", "RS256", "ES256"]
