from __future__ import annotations

import uuid

import httpx
import jwt
import pytest
from sqlalchemy import delete, func, select

from aurum.app_state import AppState
from aurum.models.audit_event import AuditEvent
from aurum.models.auth_session import AuthSession, RefreshToken
from aurum.models.user import User
from aurum.security.opaque_tokens import token_digest
from aurum.security.passwords import Verification
from tests.conftest import PASSWORD, Accounts
from tests.error_bodies import text_without_request_id

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
    assert header["kid"] == state.access_tokens.signing_key.kid
    claims = jwt.decode(
        tokens["access_token"],
        state.access_tokens.signing_key.public_key,
        algorithms=["EdDSA"],
        audience="aurum",
        issuer="http://testserver",
    )
    assert claims["sub"] == user["id"]
    assert claims["typ"] == "access"
    assert {"iss", "aud", "sub", "exp", "iat", "jti", "sid"} <= claims.keys()
    assert claims["exp"] - claims["iat"] == 30 * 60


async def test_a_sign_in_writes_its_session_token_and_event_together(
    accounts: Accounts, state: AppState
) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    sid = jwt.decode(tokens["access_token"], options={"verify_signature": False})["sid"]
    async with state.sessionmaker() as db:
        auth_session = await db.get(AuthSession, uuid.UUID(sid))
        token = await db.scalar(
            select(RefreshToken).where(
                RefreshToken.token_hash == token_digest(tokens["refresh_token"])
            )
        )
        events = (
            await db.scalars(select(AuditEvent).where(AuditEvent.event_type == "sign_in.succeeded"))
        ).all()
    assert auth_session is not None
    assert auth_session.revoked_at is None
    assert auth_session.user_agent == "python-httpx/" + httpx.__version__
    assert token is not None
    assert token.session_id == auth_session.id
    assert token.used_at is None
    assert [event.details["session_id"] for event in events] == [sid]
    assert events[0].subject_id == auth_session.user_id


async def test_an_account_deleted_while_its_password_is_checked_is_refused(
    accounts: Accounts, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    await accounts.register("juan")
    check = state.passwords.verify

    async def verify_then_delete(password: str, stored_hash: str | None) -> Verification:
        verification = await check(password, stored_hash)
        async with state.sessionmaker() as db, db.begin():
            await db.execute(delete(User).where(User.username == "juan"))
        return verification

    monkeypatch.setattr(state.passwords, "verify", verify_then_delete)
    response = await accounts.client.post(TOKEN, data={"username": "juan", "password": PASSWORD})
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_credentials"
    async with state.sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(AuthSession)) == 0


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
    assert len({text_without_request_id(r) for r in responses}) == 1
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
