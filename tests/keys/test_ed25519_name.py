"""SIGNING_ALGORITHM=Ed25519: access tokens under RFC 9864's name, old EdDSA tokens kept."""

from __future__ import annotations

import httpx
import jwt
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from aurum.app_state import AppState
from tests.conftest import Accounts, AppFactory

ME = "/api/v1/users/me"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_access_tokens_under_the_fully_specified_name(
    accounts: Accounts, make_app: AppFactory
) -> None:
    await accounts.register("juan")
    before = (await accounts.login("juan"))["access_token"]  # the EdDSA chain's
    assert jwt.get_unverified_header(before)["alg"] == "EdDSA"

    app = await make_app(signing_algorithm="Ed25519")
    state: AppState = app.state.aurum
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        renamed = Accounts(http, state)
        token = (await renamed.login("juan"))["access_token"]
        header = jwt.get_unverified_header(token)
        assert (header["alg"], header["typ"]) == ("Ed25519", "at+jwt")
        assert (await http.get(ME, headers=bearer(token))).status_code == 200
        # Tokens of the EdDSA chain stay valid until they expire.
        assert (await http.get(ME, headers=bearer(before))).status_code == 200

        # A verifier on joserfc takes the key the kid names, published as Ed25519.
        jwks = (await http.get("/.well-known/jwks.json")).json()
        published = {key["kid"]: key["alg"] for key in jwks["keys"]}
        assert published[header["kid"]] == "Ed25519"
        assert published[jwt.get_unverified_header(before)["kid"]] == "EdDSA"
        verified = jose_jwt.decode(
            token, KeySet.import_key_set(jwks), registry=JWSRegistry(algorithms=["Ed25519"])
        )
        assert verified.claims["client_id"] == "aurum"

        metadata = (await http.get("/.well-known/oauth-authorization-server")).json()
        assert {"EdDSA", "Ed25519"} <= set(metadata["access_token_signing_alg_values_supported"])


async def test_both_names_sign_with_an_ed25519_key(state: AppState) -> None:
    for name in ("EdDSA", "Ed25519"):
        key = state.keys.new_key(name)
        assert (key.algorithm, key.public_jwk["alg"]) == (name, name)
        assert (key.public_jwk["kty"], key.public_jwk["crv"]) == ("OKP", "Ed25519")
