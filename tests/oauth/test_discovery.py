"""RFC 8414 / OIDC discovery documents and the JWKS."""

from __future__ import annotations

import httpx
import pytest

from aurum.app_state import AppState

DOCUMENTS = ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]


@pytest.mark.parametrize("path", DOCUMENTS)
async def test_metadata_lists_what_the_service_does(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    metadata = response.json()
    assert metadata["issuer"] == "http://testserver"
    assert metadata["token_endpoint"] == "http://testserver/api/v1/oauth/token"
    assert metadata["introspection_endpoint"] == "http://testserver/api/v1/oauth/introspect"
    assert metadata["revocation_endpoint"] == "http://testserver/api/v1/oauth/revoke"
    assert metadata["jwks_uri"] == "http://testserver/.well-known/jwks.json"
    assert set(metadata["grant_types_supported"]) == {
        "client_credentials",
        "refresh_token",
        "password",
    }
    methods = ["client_secret_basic", "client_secret_post"]
    assert metadata["token_endpoint_auth_methods_supported"] == methods
    assert metadata["introspection_endpoint_auth_methods_supported"] == methods
    assert metadata["revocation_endpoint_auth_methods_supported"] == methods
    assert metadata["access_token_signing_alg_values_supported"] == ["EdDSA"]
    assert {"sessions:read", "sessions:write", "xp:write"} <= set(metadata["scopes_supported"])
    assert metadata["response_types_supported"] == []
    assert "authorization_endpoint" not in metadata
    assert "id_token_signing_alg_values_supported" not in metadata
    # Every advertised endpoint exists (a POST without credentials is a 401, not a 404).
    for name in ("token_endpoint", "introspection_endpoint", "revocation_endpoint"):
        url = metadata[name].removeprefix("http://testserver")
        assert (await client.post(url, data={"token": "x"})).status_code == 401


async def test_openid_configuration_adds_the_oidc_fields(client: httpx.AsyncClient) -> None:
    metadata = (await client.get(DOCUMENTS[1])).json()
    assert metadata["subject_types_supported"] == ["public"]
    assert "sub" in metadata["claims_supported"]


async def test_jwks_publishes_only_public_keys(client: httpx.AsyncClient, state: AppState) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]
    keys = response.json()["keys"]
    assert [key["kid"] for key in keys] == [state.keys.signing_key.kid]
    key = keys[0]
    assert key["kty"] == "OKP"
    assert key["crv"] == "Ed25519"
    assert key["alg"] == "EdDSA"
    assert key["use"] == "sig"
    assert "d" not in key
