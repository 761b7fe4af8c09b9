"""Verification of the address, at sign-up and on change, by links sent over SMTP."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from aurum.account_mail.mailer import AccountMailer
from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.models.account_token import AccountToken, TokenPurpose
from aurum.models.user import User
from tests.account_email.conftest import LINKS
from tests.conftest import Accounts
from tests.mail_server import Inbox, body_of, token_of

CONFIRM = "/api/v1/email-verification/confirm"
REQUEST = "/api/v1/email-verification/request"
ME = "/api/v1/users/me"


async def test_sign_up_sends_a_link_that_works_once(mail_accounts: Accounts, inbox: Inbox) -> None:
    headers = await mail_accounts.user("juan")
    message = await inbox.next()
    assert message["To"] == "juan@example.com"
    assert message["From"] == "Aurum <no-reply@aurum.example>"
    assert f"{LINKS}/verify-email?token=" in body_of(message)
    token = token_of(message)

    first = await mail_accounts.client.post(CONFIRM, json={"token": token})
    assert first.status_code == 204
    me = (await mail_accounts.client.get(ME, headers=headers)).json()
    assert me["email_verified_at"] is not None

    again = await mail_accounts.client.post(CONFIRM, json={"token": token})
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_verification_token"


async def test_changing_the_address_needs_a_new_confirmation(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    headers = await mail_accounts.user("juan")
    first_token = token_of(await inbox.next())
    assert (
        await mail_accounts.client.post(CONFIRM, json={"token": first_token})
    ).status_code == 204

    changed = await mail_accounts.client.patch(
        ME, json={"email": "Nuevo@Example.com"}, headers=headers
    )
    assert changed.status_code == 200
    assert changed.json()["email_verified_at"] is None
    messages = {str(m["To"]): m for m in [await inbox.next(), await inbox.next()]}
    # The old address is told, without a link; the new one gets the link.
    assert "n***@example.com" in body_of(messages["juan@example.com"])
    assert "token=" not in body_of(messages["juan@example.com"])
    token = token_of(messages["nuevo@example.com"])
    assert (await mail_accounts.client.post(CONFIRM, json={"token": token})).status_code == 204
    me = (await mail_accounts.client.get(ME, headers=headers)).json()
    assert me["email"] == "nuevo@example.com"
    assert me["email_verified_at"] is not None


async def test_a_link_for_a_previous_address_does_not_verify_the_new_one(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    headers = await mail_accounts.user("juan")
    old_token = token_of(await inbox.next())
    await mail_accounts.client.patch(ME, json={"email": "nuevo@example.com"}, headers=headers)
    response = await mail_accounts.client.post(CONFIRM, json={"token": old_token})
    assert response.status_code == 400
    me = (await mail_accounts.client.get(ME, headers=headers)).json()
    assert me["email_verified_at"] is None


async def test_resend_sends_a_new_link_only_when_one_is_needed(
    mail_accounts: Accounts, inbox: Inbox, mail_state: AppState
) -> None:
    await mail_accounts.register("juan")
    await inbox.next()  # the link sent at sign-up
    resent = await mail_accounts.client.post(REQUEST, json={"email": "JUAN@example.com"})
    assert resent.status_code == 202
    token = token_of(await inbox.next())
    assert (await mail_accounts.client.post(CONFIRM, json={"token": token})).status_code == 204

    # Confirmed address, unknown address: the same answer, and nothing is sent.
    confirmed = await mail_accounts.client.post(REQUEST, json={"email": "juan@example.com"})
    unknown = await mail_accounts.client.post(REQUEST, json={"email": "nadie@example.com"})
    assert confirmed.status_code == unknown.status_code == 202
    assert confirmed.json() == unknown.json() == resent.json()
    await mail_state.jobs.drain()
    assert inbox.is_empty()


async def test_bad_tokens_are_a_clear_400(mail_accounts: Accounts) -> None:
    for token in ["nope", "x" * 512, "token with spaces", "ñ"]:
        response = await mail_accounts.client.post(CONFIRM, json={"token": token})
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_verification_token"
    for body in [{}, {"token": ""}, {"token": "x" * 513}, {"token": 5}]:
        response = await mail_accounts.client.post(CONFIRM, json=body)
        assert response.status_code == 422


async def test_accounts_made_by_an_admin_are_asked_to_confirm_too(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    admin = await mail_accounts.admin()  # made at start-up or by the CLI: no email
    created = await mail_accounts.client.post(
        "/api/v1/users",
        json={"username": "ana", "email": "ana@example.com", "password": "x" * 12},
        headers=admin,
    )
    assert created.status_code == 201
    message = await inbox.next()
    assert message["To"] == "ana@example.com"
    assert (
        await mail_accounts.client.post(CONFIRM, json={"token": token_of(message)})
    ).status_code == 204


async def test_a_link_is_issued_only_for_an_enabled_unconfirmed_account(
    accounts: Accounts, state: AppState
) -> None:
    await accounts.register("juan")
    await state.jobs.drain()  # the sign-up's own link
    mailer = AccountMailer(state.sessionmaker, state.settings)
    async with state.sessionmaker() as db:
        juan = await db.scalar(select(User.id).where(User.username == "juan"))
    assert juan is not None
    message = await mailer.verification(juan)
    assert message is not None
    assert message["To"] == "juan@example.com"
    for change in ({"disabled": True}, {"disabled": False, "email_verified_at": utcnow()}):
        async with state.sessionmaker.begin() as db:
            await db.execute(update(User).values(**change))
        assert await mailer.verification(juan) is None
    assert await mailer.verification(uuid.uuid4()) is None  # no such account
    async with state.sessionmaker() as db:
        issued = await db.scalars(
            select(AccountToken.email).where(
                AccountToken.user_id == juan,
                AccountToken.purpose == TokenPurpose.EMAIL_VERIFICATION,
            )
        )
        assert issued.all() == ["juan@example.com", "juan@example.com"]
