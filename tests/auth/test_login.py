from __future__ import annotations

import httpx
import jwt
import pytest

from aurum.app_state import AppState
from tests.conftest import PASSWORD, Accounts

TOKEN = "/api/v1/token"


async def test_login_returns_bearer_tokens(accounts: Accounts, state: AppState) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    user = (await accounts.client.get("/api/v1/users/me", headers=headers)).json()
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 30 * 60
    assert len(tokens["refresh_token"]) >= 43  # 256 bits, url-safe base64

    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "EdDSA"
    assert header["kid"] == state.keys.signing_key.kid
    claims = jwt.decode(
        tokens["access_token"],
        state.keys.signing_key.public_key,
        algorithms=["EdDSA"],
        audience="aurum",
        issuer="http://testserver",
    )
    assert claims["sub"] == user["id"]
    assert claims["typ"] == "access"
    assert {"iss", "aud", "sub", "exp", "iat", "jti", "sid"} <= claims.keys()
    assert claims["exp"] - claims["iat"] == 30 * 60


async def test_login_by_email_any_case(accounts: Accounts) -> None:
    await accounts.register("juan")
    await accounts.login("JUAN@example.com")
    await accounts.login("Juan")


async def test_login_accepts_json(accounts: Accounts) -> None:
    await accounts.register("juan")
    response = await accounts.client.post(TOKEN, json={"username": "juan", "password": PASSWORD})
    assert response.status_code == 200


async def test_utf8_form_body_as_curl_sends_it(accounts: Accounts) -> None:
    await accounts.register("juan", password="Mi_Contraseña_123")
    response = await accounts.client.post(
        TOKEN,
        content="username=juan&password=Mi_Contraseña_123".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text


async def test_unknown_wrong_and_disabled_look_the_same(accounts: Accounts) -> None:
    admin = await accounts.admin()
    await accounts.register("juan")
    await accounts.register("ana")
    disable = await accounts.client.patch(
        "/api/v1/users/ana", json={"disabled": True}, headers=admin
    )
    assert disable.status_code == 200

    attempts = [("nobody", PASSWORD), ("juan", "wrong password"), ("ana", PASSWORD)]
    responses = [
        await accounts.client.post(TOKEN, data={"username": u, "password": p}) for u, p in attempts
    ]
    assert {r.status_code for r in responses} == {401}
    assert len({r.text for r in responses}) == 1
    assert responses[0].json()["error"] == "invalid_credentials"
    assert responses[0].headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "data",
    [{}, {"username": "juan"}, {"password": "x"}, {"username": "", "password": "x"}],
)
async def test_missing_fields_are_422(client: httpx.AsyncClient, data: dict[str, str]) -> None:
    response = await client.post(TOKEN, data=data)
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


async def test_other_grant_types_are_refused(accounts: Accounts) -> None:
    await accounts.register("juan")
    response = await accounts.client.post(
        TOKEN, data={"username": "juan", "password": PASSWORD, "grant_type": "client_credentials"}
    )
    assert response.status_code == 422
