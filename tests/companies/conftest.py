from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import PASSWORD, Accounts, AppFactory
from tests.mail_server import Inbox, body_of, token_of

COMPANIES = "/api/v1/companies"
ACCEPT = "/api/v1/company-invitations/accept"
LINKS = "https://app.example"
INVITATION_LINK = f"{LINKS}/accept-invitation?token="
VERIFICATION_LINK = f"{LINKS}/verify-email?token="


def mail_settings(inbox: Inbox) -> dict[str, Any]:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": inbox.port,
        "smtp_tls": "none",
        "mail_retry_base_seconds": 0.05,
        "public_base_url": LINKS,
        "email_from": "Aurum <no-reply@aurum.example>",
    }


@pytest.fixture
async def app(inbox: Inbox, make_app: AppFactory) -> FastAPI:
    """Invitations go out by email: this app sends through the local SMTP server."""
    return await make_app(**mail_settings(inbox))


class Mailbox:
    """The local SMTP server's messages, picked by recipient and link; others wait their turn."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.waiting: list[EmailMessage] = []

    async def message(self, to: str, link: str) -> EmailMessage:
        def wanted(message: EmailMessage) -> bool:
            return str(message["To"]) == to and link in body_of(message)

        for message in self.waiting:
            if wanted(message):
                self.waiting.remove(message)
                return message
        while not wanted(message := await self.inbox.next()):
            self.waiting.append(message)
        return message

    async def invitation(self, to: str) -> EmailMessage:
        return await self.message(to, INVITATION_LINK)

    async def invitation_token(self, to: str) -> str:
        return token_of(await self.invitation(to))

    def unread_invitations(self) -> list[EmailMessage]:
        """Invitations delivered so far and not yet read (the queue may still hold more)."""
        while not self.inbox.is_empty():
            self.waiting.append(self.inbox.received.get_nowait())
        return [m for m in self.waiting if INVITATION_LINK in body_of(m)]


@pytest.fixture
def mailbox(inbox: Inbox) -> Mailbox:
    return Mailbox(inbox)


async def verify_email(accounts: Accounts, mailbox: Mailbox, username: str) -> None:
    """Confirm the address with the link that sign-up emailed."""
    message = await mailbox.message(f"{username}@example.com", VERIFICATION_LINK)
    response = await accounts.client.post(
        "/api/v1/email-verification/confirm", json={"token": token_of(message)}
    )
    assert response.status_code == 204, response.text


async def verified_user(accounts: Accounts, mailbox: Mailbox, username: str) -> dict[str, str]:
    """Register, confirm the address, sign in; returns the Authorization header."""
    await accounts.register(username)
    await verify_email(accounts, mailbox, username)
    return await accounts.headers(username, PASSWORD)


async def create_company(
    client: httpx.AsyncClient, headers: dict[str, str], name: str = "Acme Ñandú", **extra: Any
) -> dict[str, Any]:
    body = {"name": name, "kind": "real_nacional"} | extra
    response = await client.post(COMPANIES, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def invite(
    client: httpx.AsyncClient, headers: dict[str, str], company: str, email: str, role: str
) -> dict[str, Any]:
    response = await client.post(
        f"{COMPANIES}/{company}/invitations", json={"email": email, "role": role}, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def join(
    accounts: Accounts,
    mailbox: Mailbox,
    owner: dict[str, str],
    member: dict[str, str],
    company: str,
    username: str,
    role: str,
) -> None:
    """Invite `username` (at username@example.com) and accept with the emailed token."""
    email = f"{username}@example.com"
    await invite(accounts.client, owner, company, email, role)
    token = await mailbox.invitation_token(email)
    response = await accounts.client.post(ACCEPT, json={"token": token}, headers=member)
    assert response.status_code == 200, response.text
