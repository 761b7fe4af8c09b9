"""Forged, expired and misdirected JWTs are all rejected with 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric import ed25519

from aurum.app_state import AppState
from tests.conftest import Accounts

ME = "/api/v1/users/me"


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
async def claims(accounts: Accounts, state: AppState) -> dict[str, Any]:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    decoded: dict[str, Any] = jwt.decode(
        tokens["access_token"], options={"verify_signature": False}
    )
    return decoded


def sign(state: AppState, claims: dict[str, Any], **header: Any) -> str:
    key = state.access_tokens.signing_key
    assert key.private_key is not None
    headers = {"kid": key.kid, "typ": "at+jwt"} | header
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers=headers)


async def assert_rejected(accounts: Accounts, token: str) -> None:
    response = await accounts.client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_token"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_well_formed_token_is_accepted(
    accounts: Accounts, state: AppState, claims: dict[str, Any]
) -> None:
    token = sign(state, claims)
    response = await accounts.client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


async def test_alg_none_is_rejected(
    accounts: Accounts, state: AppState, claims: dict[str, Any]
) -> None:
    header = {"alg": "none", "typ": "JWT", "kid": state.access_tokens.signing_key.kid}
    await assert_rejected(accounts, f"{b64(header)}.{b64(claims)}.")


async def test_hmac_with_the_public_key_is_rejected(
    accounts: Accounts, state: AppState, claims: dict[str, Any]
) -> None:
    public = state.access_tokens.signing_key.public_jwk["x"].encode()
    header = {"alg": "HS256", "typ": "JWT", "kid": state.access_tokens.signing_key.kid}
    signing_input = f"{b64(header)}.{b64(claims)}"
    signature = base64.urlsafe_b64encode(
        hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    ).rstrip(b"=")
    await assert_rejected(accounts, f"{signing_input}.{signature.decode()}")


async def test_wrong_key_is_rejected(
    accounts: Accounts, state: AppState, claims: dict[str, Any]
) -> None:
    other = ed25519.Ed25519PrivateKey.generate()
    token = jwt.encode(
        claims, other, algorithm="EdDSA", headers={"kid": state.access_tokens.signing_key.kid}
    )
    await assert_rejected(accounts, token)


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "someone-else"},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 60},
        {"typ": "refresh"},
        {"sub": "not-a-uuid"},
        {"sid": "not-a-uuid"},
        {"sub": "00000000-0000-0000-0000-000000000000"},
        {"sid": "00000000-0000-0000-0000-000000000000"},
    ],
)
async def test_wrong_claims_are_rejected(
    accounts: Accounts, state: AppState, claims: dict[str, Any], change: dict[str, Any]
) -> None:
    await assert_rejected(accounts, sign(state, claims | change))


@pytest.mark.parametrize("missing", ["exp", "iat", "jti", "aud", "iss", "typ", "sid", "client_id"])
async def test_missing_claims_are_rejected(
    accounts: Accounts, state: AppState, claims: dict[str, Any], missing: str
) -> None:
    await assert_rejected(accounts, sign(state, {k: v for k, v in claims.items() if k != missing}))


async def test_the_legacy_sign_in_names_the_first_party_client(
    state: AppState, claims: dict[str, Any], accounts: Accounts
) -> None:
    """RFC 9068 §2.2: /api/v1/token's tokens carry FIRST_PARTY_CLIENT_ID and `at+jwt`."""
    assert claims["client_id"] == state.settings.first_party_client_id == "aurum"
    tokens = await accounts.login("juan")
    assert jwt.get_unverified_header(tokens["access_token"])["typ"] == "at+jwt"
    refreshed = await accounts.client.post(
        "/api/v1/refresh-token", json={"refresh_token": tokens["refresh_token"]}
    )
    assert (
        jwt.decode(refreshed.json()["access_token"], options={"verify_signature": False})[
            "client_id"
        ]
        == "aurum"
    )


async def test_the_media_type_form_of_the_header_type_is_accepted(
    accounts: Accounts, state: AppState, claims: dict[str, Any]
) -> None:
    token = sign(state, claims, typ="application/at+jwt")
    response = await accounts.client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize("typ", ["JWT", "jwt", "application/jwt", None])
async def test_a_token_without_the_access_token_type_is_rejected(
    accounts: Accounts, state: AppState, claims: dict[str, Any], typ: str | None
) -> None:
    """RFC 9068 §4: another JWT signed by our keys is not an access token."""
    await assert_rejected(accounts, sign(state, claims, typ=typ))


async def test_a_token_without_client_id_from_before_is_rejected(
    accounts: Accounts, state: AppState, claims: dict[str, Any]
) -> None:
    """Tokens issued before every token named its client: refused (they expire within
    ACCESS_TOKEN_EXPIRE_MINUTES; the app refreshes and gets one that does)."""
    old = {name: value for name, value in claims.items() if name != "client_id"}
    await assert_rejected(accounts, sign(state, old))


async def test_unknown_kid_is_rejected(
    accounts: Accounts, state: AppState, claims: dict[str, Any]
) -> None:
    await assert_rejected(accounts, sign(state, claims, kid="unknown"))


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "e30.e30.", "Zm9v" * 500])
async def test_garbage_is_rejected(accounts: Accounts, token: str) -> None:
    response = await accounts.client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_a_verified_token_is_remembered_until_it_expires(state: AppState) -> None:
    token, claims = state.access_tokens.issue("someone", session_id=uuid.uuid4())
    assert state.access_tokens.verified(token) is None  # never checked here
    decoded = await state.access_tokens.decode(token)
    assert state.access_tokens.verified(token) == decoded
    assert decoded.expires_at == claims["exp"]
    with time_machine.travel(datetime.fromtimestamp(claims["exp"] + 1, UTC)):
        assert state.access_tokens.verified(token) is None
    assert state.access_tokens.verified(token + "x") is None  # only the exact token
