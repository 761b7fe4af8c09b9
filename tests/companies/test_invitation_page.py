"""`/accept-invitation`: the invitation's link, opened by a person signed in at Aurum's pages."""

from __future__ import annotations

import re

import httpx
import pytest

from aurum.models.company import CompanyRole
from aurum.web.messages import MESSAGES
from tests.companies.conftest import (
    Mailbox,
    create_company,
    invite,
    verified_user,
)
from tests.conftest import Accounts
from tests.web.support import assert_page_headers, csrf_of
from tests.web.test_sign_in import sign_in

MINE = "/api/v1/users/me/companies"
PAGE = "/accept-invitation"


async def invited(accounts: Accounts, mailbox: Mailbox, role: str = "editor") -> str:
    """Ana has a confirmed address and an invitation to Acme; returns its token."""
    owner = await verified_user(accounts, mailbox, "owner")
    await verified_user(accounts, mailbox, "ana")
    await create_company(accounts.client, owner, "Acme <Ñandú>", slug="acme")
    await invite(accounts.client, owner, "acme", "ana@example.com", role)
    return await mailbox.invitation_token("ana@example.com")


async def memberships(accounts: Accounts) -> list[tuple[str, str]]:
    mine = await accounts.client.get(MINE, headers=await accounts.headers("ana"))
    assert mine.status_code == 200, mine.text
    return [(m["company"]["slug"], m["role"]) for m in mine.json()["items"]]


async def test_signed_in_the_person_sees_the_offer_and_accepts_it(
    accounts: Accounts, mailbox: Mailbox, client: httpx.AsyncClient
) -> None:
    token = await invited(accounts, mailbox)
    link = f"{PAGE}?token={token}"
    signed = await sign_in(client, "ana", next=link)
    assert signed.status_code == 303
    assert signed.headers["location"] == link  # back to the invitation after signing in

    page = await client.get(link)
    assert page.status_code == 200
    assert_page_headers(page)
    assert "You are invited to join Acme &lt;Ñandú&gt; as editor." in page.text
    assert "You are signed in as ana." in page.text
    assert await memberships(accounts) == []  # opening the link spends nothing

    done = await client.post(PAGE, data={"csrf_token": csrf_of(page), "token": token})
    assert done.status_code == 200
    assert "You joined Acme &lt;Ñandú&gt; as editor." in done.text
    assert await memberships(accounts) == [("acme", "editor")]

    again = await client.post(PAGE, data={"csrf_token": csrf_of(page), "token": token})
    assert again.status_code == 400
    assert "The invitation is invalid, expired, revoked or already used." in again.text


async def test_another_account_is_told_and_nothing_is_spent(
    accounts: Accounts, mailbox: Mailbox, client: httpx.AsyncClient
) -> None:
    token = await invited(accounts, mailbox)
    await sign_in(client, "owner")
    page = await client.get(f"{PAGE}?token={token}")
    assert page.status_code == 403
    assert "This invitation was sent to another email address." in page.text
    assert "ana@example.com" not in page.text
    sign_out = await client.get("/sign-out")
    await client.post("/sign-out", data={"csrf_token": csrf_of(sign_out)})
    await sign_in(client, "ana")
    assert "You are invited to join" in (await client.get(f"{PAGE}?token={token}")).text


async def test_accepting_needs_the_csrf_token_and_a_session(
    accounts: Accounts, mailbox: Mailbox, client: httpx.AsyncClient
) -> None:
    token = await invited(accounts, mailbox)
    await sign_in(client, "ana")
    forged = await client.post(PAGE, data={"token": token})
    assert forged.status_code == 403
    assert await memberships(accounts) == []

    page = await client.get(f"{PAGE}?token={token}")
    client.cookies.delete("aurum_session")
    signed_out = await client.post(PAGE, data={"csrf_token": csrf_of(page), "token": token})
    assert signed_out.status_code == 303
    assert signed_out.headers["location"].startswith("/sign-in?next=%2Faccept-invitation")


async def test_in_spanish(accounts: Accounts, mailbox: Mailbox, client: httpx.AsyncClient) -> None:
    token = await invited(accounts, mailbox, role="viewer")
    await sign_in(client, "ana")
    page = await client.get(f"{PAGE}?token={token}&ui_locales=es")
    assert "Te invitan a unirte a Acme &lt;Ñandú&gt; como lector." in page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action is not None
    assert action.group(1) == "/accept-invitation?ui_locales=es"


@pytest.mark.parametrize("role", list(CompanyRole))
def test_every_role_has_words(role: CompanyRole) -> None:
    english, spanish = MESSAGES[f"role.{role.value}"]
    assert english
    assert spanish
