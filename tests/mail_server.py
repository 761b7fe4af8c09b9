"""A real SMTP server (aiosmtpd) on 127.0.0.1 and an ephemeral port, in the test's loop."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

TOKEN = re.compile(r"[?&]token=([A-Za-z0-9_-]+)")


class Inbox:
    """Everything the server accepted, in order; optionally refuses the first few messages."""

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.received: asyncio.Queue[EmailMessage] = asyncio.Queue()
        self.refuse_next = 0
        self.credentials = credentials
        self.port = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 4.3.0 Try again later"
        content = envelope.content
        assert isinstance(content, bytes)
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.put_nowait(message)
        return "250 OK"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and self.credentials == (
            data.login.decode(),
            data.password.decode(),
        )
        return AuthResult(success=ok)

    async def next(self, seconds: float = 10) -> EmailMessage:
        return await asyncio.wait_for(self.received.get(), seconds)

    def is_empty(self) -> bool:
        return self.received.empty()


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def token_of(message: EmailMessage) -> str:
    found = TOKEN.search(body_of(message))
    assert found is not None, body_of(message)
    return found.group(1)


@asynccontextmanager
async def smtp_server(credentials: tuple[str, str] | None = None) -> AsyncIterator[Inbox]:
    inbox = Inbox(credentials)
    loop = asyncio.get_running_loop()

    def protocol() -> SMTP:
        if credentials is None:
            return SMTP(inbox, hostname="localhost", loop=loop)
        return SMTP(
            inbox,
            hostname="localhost",
            loop=loop,
            authenticator=inbox.authenticate,
            auth_require_tls=False,  # a loopback test server without a certificate
        )

    server = await loop.create_server(protocol, "127.0.0.1", 0)
    inbox.port = server.sockets[0].getsockname()[1]
    try:
        yield inbox
    finally:
        server.close()
        await server.wait_closed()
