"""Password reset by a single-use link sent over SMTP."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import update

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.models.account_token import AccountToken, TokenPurpose
from tests.account_email.conftest import LINKS
from tests.conftest import PASSWORD, Accounts
from tests.mail_server import Inbox, body_of, token_of

REQUEST = "/api/v1/password-reset/request"
CONFIRM = "/api/v1/password-reset/confirm"
NEW_PASSWORD = "a brand new secret"


async def reset_link(accounts: Accounts, inbox: Inbox, email: str = "juan@example.com") -> str:
    response = await accounts.client.post(REQUEST, json={"email": email})
    assert response.status_code == 202
    message = await inbox.next()
    assert message["To"] == email
    assert f"{LINKS}/reset-password?token=" in body_of(message)
    return token_of(message)


async def signed_up(accounts: Accounts, inbox: Inbox, username: str = "juan") -> dict[str, str]:
    headers = await accounts.user(username)
    await inbox.next()  # the verification link
    return headers


async def test_the_link_sets_a_new_password_once(mail_accounts: Accounts, inbox: Inbox) -> None:
    headers = await signed_up(mail_accounts, inbox)
    token = await reset_link(mail_accounts, inbox)

    response = await mail_accounts.client.post(
        CONFIRM, json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204
    await mail_accounts.login("juan", NEW_PASSWORD)
    old = await mail_accounts.client.post(
        "/api/v1/token", data={"username": "juan", "password": PASSWORD}
    )
    assert old.status_code == 401
    # Every session ends, and the reset proved the address.
    assert (await mail_accounts.client.get("/api/v1/users/me", headers=headers)).status_code == 401
    me = await mail_accounts.client.get(
        "/api/v1/users/me", headers=await mail_accounts.headers("juan", NEW_PASSWORD)
    )
    assert me.json()["email_verified_at"] is not None

    again = await mail_accounts.client.post(
        CONFIRM, json={"token": token, "new_password": "yet another secret"}
    )
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_reset_token"


async def test_the_link_dies_when_the_password_changes(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    headers = await signed_up(mail_accounts, inbox)
    token = await reset_link(mail_accounts, inbox)
    changed = await mail_accounts.client.post(
        "/api/v1/users/me/change-password",
        json={"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert changed.status_code == 204
    response = await mail_accounts.client.post(
        CONFIRM, json={"token": token, "new_password": "attacker's choice"}
    )
    assert response.status_code == 400
    await mail_accounts.login("juan", NEW_PASSWORD)


async def test_using_one_link_spends_the_others(mail_accounts: Accounts, inbox: Inbox) -> None:
    await signed_up(mail_accounts, inbox)
    first = await reset_link(mail_accounts, inbox)
    second = await reset_link(mail_accounts, inbox)
    ok = await mail_accounts.client.post(
        CONFIRM, json={"token": second, "new_password": NEW_PASSWORD}
    )
    assert ok.status_code == 204
    stale = await mail_accounts.client.post(
        CONFIRM, json={"token": first, "new_password": "another new secret"}
    )
    assert stale.status_code == 400


async def test_a_refused_password_keeps_the_link_usable(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    await signed_up(mail_accounts, inbox)
    token = await reset_link(mail_accounts, inbox)
    short = await mail_accounts.client.post(CONFIRM, json={"token": token, "new_password": "short"})
    assert short.status_code == 422
    assert short.json()["error"] == "password_too_short"
    ok = await mail_accounts.client.post(
        CONFIRM, json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert ok.status_code == 204


async def test_an_expired_link_is_refused(
    mail_accounts: Accounts, inbox: Inbox, mail_state: AppState
) -> None:
    await signed_up(mail_accounts, inbox)
    token = await reset_link(mail_accounts, inbox)
    async with mail_state.sessionmaker.begin() as db:
        await db.execute(
            update(AccountToken)
            .where(AccountToken.purpose == TokenPurpose.PASSWORD_RESET)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    response = await mail_accounts.client.post(
        CONFIRM, json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_reset_token"


async def test_unknown_and_disabled_accounts_get_the_same_answer_and_no_email(
    mail_accounts: Accounts, inbox: Inbox, mail_state: AppState
) -> None:
    await signed_up(mail_accounts, inbox)
    admin = await mail_accounts.admin()
    await signed_up(mail_accounts, inbox, "ana")
    disable = await mail_accounts.client.patch(
        "/api/v1/users/ana", json={"disabled": True}, headers=admin
    )
    assert disable.status_code == 200

    answers = [
        await mail_accounts.client.post(REQUEST, json={"email": email})
        for email in ("nadie@example.com", "ana@example.com", "juan@example.com")
    ]
    assert {r.status_code for r in answers} == {202}
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert (await inbox.next())["To"] == "juan@example.com"
    await mail_state.jobs.drain()
    assert inbox.is_empty()


async def test_a_reset_does_not_bypass_the_second_factor(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    headers = await signed_up(mail_accounts, inbox)
    start = await mail_accounts.client.post(
        "/api/v1/users/me/mfa/totp", json={"password": PASSWORD}, headers=headers
    )
    totp = pyotp.parse_uri(start.json()["otpauth_uri"])
    assert isinstance(totp, pyotp.TOTP)
    confirm = await mail_accounts.client.post(
        "/api/v1/users/me/mfa/totp/confirm", json={"code": totp.now()}, headers=headers
    )
    assert confirm.status_code == 200

    token = await reset_link(mail_accounts, inbox)
    reset = await mail_accounts.client.post(
        CONFIRM, json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert reset.status_code == 204
    login = await mail_accounts.client.post(
        "/api/v1/token", data={"username": "juan", "password": NEW_PASSWORD}
    )
    assert login.status_code == 200
    assert login.json()["mfa_required"] is True
    assert "access_token" not in login.json()


async def test_malformed_requests_are_422(mail_accounts: Accounts) -> None:
    for body in [{}, {"email": "not-an-email"}, {"email": ["a@example.com"]}]:
        response = await mail_accounts.client.post(REQUEST, json=body)
        assert response.status_code == 422
    for body in [
        {"token": "x"},
        {"new_password": NEW_PASSWORD},
        {"token": "", "new_password": "x"},
    ]:
        response = await mail_accounts.client.post(CONFIRM, json=body)
        assert response.status_code == 422
