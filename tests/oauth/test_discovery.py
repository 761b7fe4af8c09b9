"""RFC 8414 / OIDC discovery documents and the JWKS."""

from __future__ import annotations

import httpx
import jwt
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
        "authorization_code",
        "client_credentials",
        "refresh_token",
        "password",
    }
    methods = ["client_secret_basic", "client_secret_post"]
    assert metadata["token_endpoint_auth_methods_supported"] == [*methods, "none"]
    assert metadata["introspection_endpoint_auth_methods_supported"] == methods
    assert metadata["revocation_endpoint_auth_methods_supported"] == [*methods, "none"]
    assert metadata["access_token_signing_alg_values_supported"] == ["EdDSA"]
    assert {"sessions:read", "sessions:write", "xp:write"} <= set(metadata["scopes_supported"])
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["authorization_endpoint"] == "http://testserver/authorize"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["authorization_response_iss_parameter_supported"] is True
    # Every advertised endpoint exists (a POST without credentials is a 401, not a 404).
    for name in ("token_endpoint", "introspection_endpoint", "revocation_endpoint"):
        url = metadata[name].removeprefix("http://testserver")
        assert (await client.post(url, data={"token": "x"})).status_code == 401


async def test_openid_configuration_adds_the_oidc_fields(client: httpx.AsyncClient) -> None:
    metadata = (await client.get(DOCUMENTS[1])).json()
    assert metadata["subject_types_supported"] == ["public"]
    # The default chain's first, then what a client may register.
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256", "ES256", "Ed25519"]
    assert {"sub", "nonce", "auth_time", "amr"} <= set(metadata["claims_supported"])
    assert metadata["userinfo_endpoint"] == "http://testserver/api/v1/oauth/userinfo"
    assert metadata["end_session_endpoint"] == "http://testserver/end-session"


async def test_jwks_publishes_only_public_keys(client: httpx.AsyncClient, state: AppState) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]
    # One live key per chain: access tokens (EdDSA) and ID tokens (RS256), and the chain
    # of any algorithm an app registered (other tests' apps, in the shared database).
    keys = {key["alg"]: key for key in response.json()["keys"]}
    assert {"EdDSA", "RS256"} <= set(keys) <= {"EdDSA", "RS256", "ES256", "Ed25519"}
    assert keys["EdDSA"]["kid"] == state.access_tokens.signing_key.kid
    assert keys["RS256"]["kid"] == state.keys.signing_key_for("RS256").kid
    assert (keys["EdDSA"]["kty"], keys["EdDSA"]["crv"]) == ("OKP", "Ed25519")
    assert keys["RS256"]["kty"] == "RSA"
    assert keys["RS256"]["e"] == "AQAB"
    for key in keys.values():
        assert key["use"] == "sig"
        assert "key_ops" not in key  # RFC 7517 §4.3: not together with `use`
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


async def test_an_rs256_token_verifies_with_the_published_key(
    client: httpx.AsyncClient, state: AppState
) -> None:
    """What a relying party does with an ID token: take the key its kid names from the JWKS."""
    signer = state.keys.signing_key_for("RS256")
    assert signer.private_key is not None
    token = jwt.encode(
        {"iss": "http://testserver", "aud": "rp", "sub": "juan"},
        signer.private_key,
        algorithm="RS256",
        headers={"kid": signer.kid},
    )
    published = (await client.get("/.well-known/jwks.json")).json()
    key = next(k for k in published["keys"] if k["kid"] == jwt.get_unverified_header(token)["kid"])
    public = jwt.PyJWK(key)
    assert public.algorithm_name == "RS256"
    claims = jwt.decode(token, public.key, algorithms=["RS256"], audience="rp")
    assert claims["sub"] == "juan"
    # The access-token chain is untouched: its tokens are still EdDSA.
    assert state.access_tokens.signing_key.algorithm == "EdDSA"
