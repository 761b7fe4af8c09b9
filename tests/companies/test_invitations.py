"""Invitations: by email, single use, expiring, stored only as a hash."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

from sqlalchemy import select, update

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.models.company import CompanyInvitation
from tests.companies.conftest import COMPANIES, create_company, invite
from tests.conftest import Accounts

ACCEPT = "/api/v1/company-invitations/accept"
MINE = "/api/v1/users/me/company-invitations"


async def test_the_invited_user_sees_and_accepts_once(accounts: Accounts, state: AppState) -> None:
    owner = await accounts.user("owner")
    ana = await accounts.user("ana")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    invitation = await invite(accounts.client, owner, "acme", "ANA@example.com", "editor")
    assert invitation["email"] == "ana@example.com"
    assert invitation["role"] == "editor"
    assert len(invitation["token"]) >= 43

    async with state.sessionmaker() as db:
        stored = await db.scalar(select(CompanyInvitation.token_hash))
    assert stored == hashlib.sha256(invitation["token"].encode()).hexdigest()

    pending = (await accounts.client.get(MINE, headers=ana)).json()
    assert [(p["company"]["slug"], p["role"], p["invited_by"]) for p in pending] == [
        ("acme", "editor", "owner")
    ]
    assert "token" not in pending[0]
    listed = (await accounts.client.get(f"{COMPANIES}/acme/invitations", headers=owner)).json()
    assert [i["id"] for i in listed["items"]] == [invitation["id"]]
    assert "token" not in listed["items"][0]

    accepted = await accounts.client.post(ACCEPT, json={"token": invitation["token"]}, headers=ana)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["role"] == "editor"
    assert "create_simulation" in accepted.json()["permissions"]
    members = (await accounts.client.get(f"{COMPANIES}/acme/members", headers=ana)).json()
    assert {m["username"]: m["role"] for m in members["items"]} == {
        "ana": "editor",
        "owner": "owner",
    }

    again = await accounts.client.post(ACCEPT, json={"token": invitation["token"]}, headers=ana)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_invitation"
    assert (await accounts.client.get(MINE, headers=ana)).json() == []
    listed = (await accounts.client.get(f"{COMPANIES}/acme/invitations", headers=owner)).json()
    assert listed["items"] == []


async def test_only_the_invited_email_may_accept(accounts: Accounts) -> None:
    owner = await accounts.user("owner")
    ana = await accounts.user("ana")
    eve = await accounts.user("eve")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    invitation = await invite(accounts.client, owner, "acme", "ana@example.com", "viewer")
    for headers in (eve, owner):
        response = await accounts.client.post(
            ACCEPT, json={"token": invitation["token"]}, headers=headers
        )
        assert response.status_code == 403
        assert response.json()["error"] == "invitation_not_for_you"
    assert (await accounts.client.get(MINE, headers=eve)).json() == []
    response = await accounts.client.post(ACCEPT, json={"token": invitation["token"]}, headers=ana)
    assert response.status_code == 200


async def test_expired_revoked_and_replaced_invitations_fail(
    accounts: Accounts, state: AppState
) -> None:
    owner = await accounts.user("owner")
    ana = await accounts.user("ana")
    await create_company(accounts.client, owner, "Acme", slug="acme")

    expired = await invite(accounts.client, owner, "acme", "ana@example.com", "viewer")
    async with state.sessionmaker.begin() as db:
        await db.execute(
            update(CompanyInvitation).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    revoked = await invite(accounts.client, owner, "acme", "ana@example.com", "viewer")
    deleted = await accounts.client.delete(
        f"{COMPANIES}/acme/invitations/{revoked['id']}", headers=owner
    )
    assert deleted.status_code == 204
    replaced = await invite(accounts.client, owner, "acme", "ana@example.com", "viewer")
    current = await invite(accounts.client, owner, "acme", "ana@example.com", "admin")

    for token in (expired["token"], revoked["token"], replaced["token"], "no-such-token"):
        response = await accounts.client.post(ACCEPT, json={"token": token}, headers=ana)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_invitation"
    response = await accounts.client.post(ACCEPT, json={"token": current["token"]}, headers=ana)
    assert response.json()["role"] == "admin"

    gone = await accounts.client.delete(
        f"{COMPANIES}/acme/invitations/{current['id']}", headers=owner
    )
    assert gone.status_code == 404
    assert gone.json()["error"] == "invitation_not_found"


async def test_members_are_not_invited_twice(accounts: Accounts) -> None:
    owner = await accounts.user("owner")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    response = await accounts.client.post(
        f"{COMPANIES}/acme/invitations",
        json={"email": "owner@example.com", "role": "viewer"},
        headers=owner,
    )
    assert response.status_code == 409
    assert response.json()["error"] == "already_member"


async def test_two_invitations_accepted_at_once_make_one_membership(accounts: Accounts) -> None:
    owner = await accounts.user("owner")
    ana = await accounts.user("ana")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    invitation = await invite(accounts.client, owner, "acme", "ana@example.com", "viewer")
    responses = await asyncio.gather(
        accounts.client.post(ACCEPT, json={"token": invitation["token"]}, headers=ana),
        accounts.client.post(ACCEPT, json={"token": invitation["token"]}, headers=ana),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes[0] == 200
    assert codes[1] in {400, 409}
    members = (await accounts.client.get(f"{COMPANIES}/acme/members", headers=ana)).json()
    assert len(members["items"]) == 2


async def test_a_deleted_company_invitation_is_void(accounts: Accounts) -> None:
    owner = await accounts.user("owner")
    ana = await accounts.user("ana")
    await create_company(accounts.client, owner, "Acme", slug="acme")
    invitation = await invite(accounts.client, owner, "acme", "ana@example.com", "viewer")
    assert (await accounts.client.delete(f"{COMPANIES}/acme", headers=owner)).status_code == 204
    assert (await accounts.client.get(MINE, headers=ana)).json() == []
    response = await accounts.client.post(ACCEPT, json={"token": invitation["token"]}, headers=ana)
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
