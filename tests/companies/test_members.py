"""Members: roles and the permission matrix; at least one owner; outsiders learn nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.companies.conftest import COMPANIES, Mailbox, create_company, join, verified_user
from tests.conftest import Accounts


async def setup_team(accounts: Accounts, mailbox: Mailbox) -> dict[str, dict[str, str]]:
    """`acme` owned by `owner`, with one member of every other role, plus an outsider."""
    headers = {
        name: await verified_user(accounts, mailbox, name)
        for name in ("owner", "boss", "edi", "vic", "out")
    }
    await create_company(accounts.client, headers["owner"], "Acme", slug="acme")
    for name, role in (("boss", "admin"), ("edi", "editor"), ("vic", "viewer")):
        await join(accounts, mailbox, headers["owner"], headers[name], "acme", name, role)
    return headers


async def test_members_see_the_member_list(accounts: Accounts, mailbox: Mailbox) -> None:
    team = await setup_team(accounts, mailbox)
    for name in ("owner", "boss", "edi", "vic"):
        response = await accounts.client.get(f"{COMPANIES}/acme/members", headers=team[name])
        assert response.status_code == 200
        roles = {m["username"]: m["role"] for m in response.json()["items"]}
        assert roles == {"boss": "admin", "edi": "editor", "owner": "owner", "vic": "viewer"}
    one = await accounts.client.get(f"{COMPANIES}/acme/members/EDI", headers=team["vic"])
    assert one.json()["role"] == "editor"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/members"),
        ("GET", "/members/owner"),
        ("PATCH", "/members/vic"),
        ("DELETE", "/members/vic"),
        ("GET", "/invitations"),
        ("POST", "/invitations"),
        ("PATCH", ""),
        ("DELETE", ""),
    ],
)
async def test_outsiders_get_404_as_if_nothing_existed(
    accounts: Accounts, mailbox: Mailbox, method: str, path: str
) -> None:
    team = await setup_team(accounts, mailbox)
    body = {"role": "viewer", "email": "x@example.com"} if method != "DELETE" else None
    for company in ("acme", "no-such-company"):
        response = await accounts.client.request(
            method, f"{COMPANIES}/{company}{path}", json=body, headers=team["out"]
        )
        assert response.status_code == 404, (company, response.text)
        assert response.json()["error"] == "company_not_found"


@pytest.mark.parametrize(
    ("who", "method", "path", "body"),
    [
        ("vic", "PATCH", "/members/edi", {"role": "viewer"}),
        ("edi", "PATCH", "/members/vic", {"role": "editor"}),
        ("vic", "DELETE", "/members/edi", None),
        ("edi", "POST", "/invitations", {"email": "new@example.com", "role": "viewer"}),
        ("edi", "GET", "/invitations", None),
        ("edi", "PATCH", "", {"short_description": "x"}),
        ("boss", "DELETE", "", None),
        ("boss", "PATCH", "/members/owner", {"role": "viewer"}),
        ("boss", "PATCH", "/members/vic", {"role": "owner"}),
        ("boss", "DELETE", "/members/owner", None),
        ("boss", "POST", "/invitations", {"email": "new@example.com", "role": "owner"}),
    ],
)
async def test_members_without_the_permission_get_403(
    accounts: Accounts,
    mailbox: Mailbox,
    who: str,
    method: str,
    path: str,
    body: dict[str, str] | None,
) -> None:
    team = await setup_team(accounts, mailbox)
    response = await accounts.client.request(
        method, f"{COMPANIES}/acme{path}", json=body, headers=team[who]
    )
    assert response.status_code == 403, response.text


async def test_admins_manage_members_below_owner(accounts: Accounts, mailbox: Mailbox) -> None:
    team = await setup_team(accounts, mailbox)
    promoted = await accounts.client.patch(
        f"{COMPANIES}/acme/members/vic", json={"role": "editor"}, headers=team["boss"]
    )
    assert promoted.status_code == 200
    assert promoted.json()["role"] == "editor"
    removed = await accounts.client.delete(f"{COMPANIES}/acme/members/vic", headers=team["boss"])
    assert removed.status_code == 204
    gone = await accounts.client.get(f"{COMPANIES}/acme/members", headers=team["vic"])
    assert gone.status_code == 404
    missing = await accounts.client.get(f"{COMPANIES}/acme/members/vic", headers=team["boss"])
    assert missing.json()["error"] == "member_not_found"


async def test_a_company_keeps_at_least_one_owner(accounts: Accounts, mailbox: Mailbox) -> None:
    team = await setup_team(accounts, mailbox)
    for method, body in (("PATCH", {"role": "admin"}), ("DELETE", None)):
        response = await accounts.client.request(
            method, f"{COMPANIES}/acme/members/owner", json=body, headers=team["owner"]
        )
        assert response.status_code == 409
        assert response.json()["error"] == "last_owner"

    # With a second owner, the first may step down.
    await accounts.client.patch(
        f"{COMPANIES}/acme/members/boss", json={"role": "owner"}, headers=team["owner"]
    )
    left = await accounts.client.delete(f"{COMPANIES}/acme/members/owner", headers=team["owner"])
    assert left.status_code == 204
    members = (await accounts.client.get(f"{COMPANIES}/acme/members", headers=team["boss"])).json()
    assert [(m["username"], m["role"]) for m in members["items"] if m["role"] == "owner"] == [
        ("boss", "owner")
    ]


async def test_two_owners_demoting_each_other_at_once_leave_one(
    accounts: Accounts, mailbox: Mailbox
) -> None:
    team = await setup_team(accounts, mailbox)
    await accounts.client.patch(
        f"{COMPANIES}/acme/members/boss", json={"role": "owner"}, headers=team["owner"]
    )
    responses = await asyncio.gather(
        accounts.client.patch(
            f"{COMPANIES}/acme/members/boss", json={"role": "viewer"}, headers=team["owner"]
        ),
        accounts.client.patch(
            f"{COMPANIES}/acme/members/owner", json={"role": "viewer"}, headers=team["boss"]
        ),
    )
    assert sorted(r.status_code for r in responses) in ([200, 403], [200, 409])
    members = (await accounts.client.get(f"{COMPANIES}/acme/members", headers=team["edi"])).json()
    assert sum(m["role"] == "owner" for m in members["items"]) == 1


async def test_anyone_may_leave(accounts: Accounts, mailbox: Mailbox) -> None:
    team = await setup_team(accounts, mailbox)
    response = await accounts.client.delete(f"{COMPANIES}/acme/members/vic", headers=team["vic"])
    assert response.status_code == 204
    mine = (await accounts.client.get("/api/v1/users/me/companies", headers=team["vic"])).json()
    assert mine["items"] == []


async def test_platform_admins_act_as_owners(accounts: Accounts, mailbox: Mailbox) -> None:
    await setup_team(accounts, mailbox)
    admin = await accounts.admin()
    response = await accounts.client.patch(
        f"{COMPANIES}/acme/members/vic", json={"role": "owner"}, headers=admin
    )
    assert response.status_code == 200
    members = await accounts.client.get(f"{COMPANIES}/acme/members", headers=admin)
    assert len(members.json()["items"]) == 4


async def test_deleting_a_user_removes_their_memberships(
    accounts: Accounts, mailbox: Mailbox
) -> None:
    team = await setup_team(accounts, mailbox)
    admin = await accounts.admin()
    assert (await accounts.client.delete("/api/v1/users/vic", headers=admin)).status_code == 204
    members = (await accounts.client.get(f"{COMPANIES}/acme/members", headers=team["owner"])).json()
    assert "vic" not in {m["username"] for m in members["items"]}


async def test_member_pages(accounts: Accounts, mailbox: Mailbox) -> None:
    team = await setup_team(accounts, mailbox)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = await accounts.client.get(
            f"{COMPANIES}/acme/members", params=params, headers=team["vic"]
        )
        seen += [m["username"] for m in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == ["boss", "edi", "owner", "vic"]
