"""Invitations: emailed to the address, single use, expiring, stored only as a hash."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from aurum.app_state import AppState
from aurum.companies.invitation_mail import invitation_message
from aurum.db.base import utcnow
from aurum.models.company import Company, CompanyInvitation, CompanyRole
from aurum.models.user import User
from tests.companies.conftest import (
    ACCEPT,
    COMPANIES,
    INVITATION_LINK,
    Mailbox,
    create_company,
    invite,
    mail_settings,
    verified_user,
    verify_email,
)
from tests.conftest import Accounts, AppFactory
from tests.mail_server import Inbox, body_of, token_of

MINE = "/api/v1/users/me/company-invitations"


async def test_the_invitation_is_emailed_and_accepted_once(
    accounts: Accounts, mailbox: Mailbox, state: AppState
) -> None:
    owner = await verified_user(accounts, mailbox, "owner")
    ana = await verified_user(accounts, mailbox, "ana")
    await accounts.client.patch("/api/v1/users/me", json={"full_name": "Olga Ortiz"}, headers=owner)
    await create_company(accounts.client, owner, "Café Ñandú", slug="acme")
    invitation = await invite(accounts.client, owner, "acme", "ANA@example.com", "editor")
    assert invitation["email"] == "ana@example.com"
    assert invitation["role"] == "editor"
    assert "token" not in invitation

    message = await mailbox.invitation("ana@example.com")
    assert message["From"] == "Aurum <no-reply@aurum.example>"
    body = body_of(message)
    assert INVITATION_LINK in body
    assert "Olga Ortiz (owner) te invitó a unirte a «Café Ñandú»" in body
    assert "con el rol de editor" in body
    assert "invited you to join “Café Ñandú” (a company Aurum has not verified)" in body
    assert "expires in 7 days" in body
    token = token_of(message)
    assert len(token) >= 43

    # The token exists only in the email: the database keeps its digest, no answer shows it.
    async with state.sessionmaker() as db:
        stored = await db.scalar(select(CompanyInvitation.token_hash))
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    pending = await accounts.client.get(MINE, headers=ana)
    assert [(p["company"]["slug"], p["role"], p["invited_by"]) for p in pending.json()] == [
        ("acme", "editor", "owner")
    ]
    listed = await accounts.client.get(f"{COMPANIES}/acme/invitations", headers=owner)
    assert [i["id"] for i in listed.json()["items"]] == [invitation["id"]]
    assert token not in pending.text + listed.text

    accepted = await accounts.client.post(ACCEPT, json={"token": token}, headers=ana)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["role"] == "editor"
    assert "create_simulation" in accepted.json()["permissions"]
    members = (await accounts.client.get(f"{COMPANIES}/acme/members", headers=ana)).json()
    assert {m["username"]: m["role"] for m in members["items"]} == {
        "ana": "editor",
        "owner": "owner",
    }

    again = await accounts.client.post(ACCEPT, json={"token": token}, headers=ana)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_invitation"
    assert (await accounts.client.get(MINE, headers=ana)).json() == []
    listed = await accounts.client.get(f"{COMPANIES}/acme/invitations", headers=owner)
    assert listed.json()["items"] == []


async def test_only_the_invited_email_may_accept(accounts: Accounts, mailbox: Mailbox) -> None:
    owner = await verified_user(accounts, mailbox, "owner")
    ana = await verified_user(accounts, mailbox, "ana")
    eve = await verified_user(accounts, mailbox, "eve")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    await invite(accounts.client, owner, "acme", "ana@example.com", "viewer")
    token = await mailbox.invitation_token("ana@example.com")
    for headers in (eve, owner):
        response = await accounts.client.post(ACCEPT, json={"token": token}, headers=headers)
        assert response.status_code == 403
        assert response.json()["error"] == "invitation_not_for_you"
    assert (await accounts.client.get(MINE, headers=eve)).json() == []
    response = await accounts.client.post(ACCEPT, json={"token": token}, headers=ana)
    assert response.status_code == 200


async def test_the_invited_address_must_be_confirmed(accounts: Accounts, mailbox: Mailbox) -> None:
    owner = await verified_user(accounts, mailbox, "owner")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    # Invited before having an account: the link arrives, then the person signs up.
    await invite(accounts.client, owner, "acme", "nueva@example.com", "viewer")
    token = await mailbox.invitation_token("nueva@example.com")
    nueva = await accounts.user("nueva")

    # Until the address is confirmed, the account neither sees nor accepts invitations
    # to it: anyone can sign up with an address they do not own.
    assert (await accounts.client.get(MINE, headers=nueva)).json() == []
    refused = await accounts.client.post(ACCEPT, json={"token": token}, headers=nueva)
    assert refused.status_code == 403
    assert refused.json()["error"] == "email_not_verified"

    await verify_email(accounts, mailbox, "nueva")
    assert len((await accounts.client.get(MINE, headers=nueva)).json()) == 1
    accepted = await accounts.client.post(ACCEPT, json={"token": token}, headers=nueva)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["role"] == "viewer"


async def test_expired_revoked_and_replaced_invitations_fail(
    accounts: Accounts, mailbox: Mailbox, state: AppState
) -> None:
    owner = await verified_user(accounts, mailbox, "owner")
    ana = await verified_user(accounts, mailbox, "ana")
    await create_company(accounts.client, owner, "Acme", slug="acme")

    async def invite_ana(role: str) -> tuple[str, str]:
        invitation = await invite(accounts.client, owner, "acme", "ana@example.com", role)
        return invitation["id"], await mailbox.invitation_token("ana@example.com")

    _, expired = await invite_ana("viewer")
    async with state.sessionmaker.begin() as db:
        await db.execute(
            update(CompanyInvitation).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    revoked_id, revoked = await invite_ana("viewer")
    deleted = await accounts.client.delete(
        f"{COMPANIES}/acme/invitations/{revoked_id}", headers=owner
    )
    assert deleted.status_code == 204
    _, replaced = await invite_ana("viewer")
    current_id, current = await invite_ana("admin")

    for token in (expired, revoked, replaced, "no-such-token"):
        response = await accounts.client.post(ACCEPT, json={"token": token}, headers=ana)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_invitation"
    response = await accounts.client.post(ACCEPT, json={"token": current}, headers=ana)
    assert response.json()["role"] == "admin"
    reused = await accounts.client.post(ACCEPT, json={"token": current}, headers=ana)
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_invitation"

    gone = await accounts.client.delete(f"{COMPANIES}/acme/invitations/{current_id}", headers=owner)
    assert gone.status_code == 404
    assert gone.json()["error"] == "invitation_not_found"


async def test_refused_invitations_send_nothing(accounts: Accounts, mailbox: Mailbox) -> None:
    owner = await verified_user(accounts, mailbox, "owner")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    member = await accounts.client.post(
        f"{COMPANIES}/acme/invitations",
        json={"email": "owner@example.com", "role": "viewer"},
        headers=owner,
    )
    assert member.status_code == 409
    assert member.json()["error"] == "already_member"
    # A later invitation arrives alone: the refused one was never queued.
    await invite(accounts.client, owner, "acme", "ana@example.com", "viewer")
    await mailbox.invitation("ana@example.com")
    assert mailbox.unread_invitations() == []


async def test_invitations_are_limited_per_inviter_and_per_address(
    make_app: AppFactory, inbox: Inbox
) -> None:
    limits = {"company_invitation.inviter": "3/hour", "company_invitation.recipient": "2/hour"}
    app = await make_app(**mail_settings(inbox), rate_limit_enabled=True, rate_limits=limits)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        accounts = Accounts(client, app.state.aurum)
        owner = await accounts.user("owner")
        other = await accounts.user("other")
        await create_company(client, owner, "Acme", slug="acme")
        await create_company(client, other, "Beta", slug="beta")

        def send(headers: dict[str, str], company: str, email: str) -> Awaitable[httpx.Response]:
            body = {"email": email, "role": "viewer"}
            return client.post(f"{COMPANIES}/{company}/invitations", json=body, headers=headers)

        for _ in range(2):
            assert (await send(owner, "acme", "ana@example.com")).status_code == 201
        third = await send(owner, "acme", "ANA@example.com")
        assert third.status_code == 429
        assert third.json()["error"] == "rate_limited"
        assert int(third.headers["retry-after"]) > 0
        # Another inviter still reaches that address; this one may still invite others.
        assert (await send(other, "beta", "ana@example.com")).status_code == 201
        assert (await send(owner, "acme", "bob@example.com")).status_code == 201
        assert (await send(owner, "acme", "carla@example.com")).status_code == 429


def test_names_in_the_invitation_stay_on_one_line(state: AppState) -> None:
    company = Company(name="Acme\u202e\n\nhttps://evil.example\tS.A.", verified=True)
    inviter = User(username="olga", full_name="Olga\r\nOrtiz")
    message = invitation_message(
        state.settings,
        to="ana@example.com",
        company=company,
        inviter=inviter,
        role=CompanyRole.OWNER,
        token="t0ken",
    )
    body = body_of(message)
    assert (
        "Olga Ortiz (olga) te invitó a unirte a «Acme https://evil.example S.A.» en Aurum" in body
    )
    assert "rol de propietario" in body
    assert "as owner" in body
    # A company Aurum has verified carries no warning.
    assert "no verificada" not in body
    assert "has not verified" not in body


async def test_two_invitations_accepted_at_once_make_one_membership(
    accounts: Accounts, mailbox: Mailbox
) -> None:
    owner = await verified_user(accounts, mailbox, "owner")
    ana = await verified_user(accounts, mailbox, "ana")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    await invite(accounts.client, owner, "acme", "ana@example.com", "viewer")
    token = await mailbox.invitation_token("ana@example.com")
    responses = await asyncio.gather(
        accounts.client.post(ACCEPT, json={"token": token}, headers=ana),
        accounts.client.post(ACCEPT, json={"token": token}, headers=ana),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes[0] == 200
    assert codes[1] in {400, 409}
    members = (await accounts.client.get(f"{COMPANIES}/acme/members", headers=ana)).json()
    assert len(members["items"]) == 2


async def test_a_deleted_company_invitation_is_void(accounts: Accounts, mailbox: Mailbox) -> None:
    owner = await verified_user(accounts, mailbox, "owner")
    ana = await verified_user(accounts, mailbox, "ana")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    await invite(accounts.client, owner, "acme", "ana@example.com", "viewer")
    token = await mailbox.invitation_token("ana@example.com")
    assert (await accounts.client.delete(f"{COMPANIES}/acme", headers=owner)).status_code == 204
    assert (await accounts.client.get(MINE, headers=ana)).json() == []
    response = await accounts.client.post(ACCEPT, json={"token": token}, headers=ana)
    assert response.status_code == 400


async def test_bad_invitation_input(accounts: Accounts) -> None:
    owner = await accounts.user("owner")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    for body in ({"email": "nope", "role": "viewer"}, {"email": "a@example.com", "role": "god"}):
        response = await accounts.client.post(
            f"{COMPANIES}/acme/invitations", json=body, headers=owner
        )
        assert response.status_code == 422
    for body in ({}, {"token": ""}, {"token": "x" * 201}):
        response = await accounts.client.post(ACCEPT, json=body, headers=owner)
        assert response.status_code == 422
    assert (await accounts.client.post(ACCEPT, json={"token": "x"})).status_code == 401
    bad_id = await accounts.client.delete(f"{COMPANIES}/acme/invitations/not-a-uuid", headers=owner)
    assert bad_id.status_code == 422
