"""A real SMTP server (aiosmtpd) on 127.0.0.1 and an ephemeral port, in the test's loop."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TOKEN = re.compile(r"[?&]token=([A-Za-z0-9_-]+)")


class Inbox:
    """Everything the server accepted, in order; optionally refuses the next few messages
    (with `refusal`, a 451 unless a test sets another answer)."""

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.received: asyncio.Queue[EmailMessage] = asyncio.Queue()
        self.refused: list[EmailMessage] = []
        self.refuse_next = 0
        self.refusal = "451 4.3.0 Try again later"
        self.stalled: list[EmailMessage] = []  # messages held without an answer
        self.stall = False
        self.credentials = credentials
        self.port = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        content = envelope.content
        assert isinstance(content, bytes)
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        if self.stall:  # never answers: the sender is stuck mid-delivery
            self.stalled.append(message)
            await asyncio.Event().wait()
        if self.refuse_next:
            self.refuse_next -= 1
            self.refused.append(message)
            return self.refusal
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


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (its own CA), and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aurum test smtp")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp.crt", directory / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@asynccontextmanager
async def smtp_server(
    credentials: tuple[str, str] | None = None,
    *,
    tls: ssl.SSLContext | None = None,
    starttls: ssl.SSLContext | None = None,
) -> AsyncIterator[Inbox]:
    """`tls`: implicit TLS from the first byte; `starttls`: plain, upgrade required."""
    inbox = Inbox(credentials)
    loop = asyncio.get_running_loop()

    def protocol() -> SMTP:
        options: dict[str, Any] = {}
        if starttls is not None:
            options.update(tls_context=starttls, require_starttls=True)
        if credentials is not None:
            options.update(authenticator=inbox.authenticate, auth_require_tls=starttls is not None)
        return SMTP(inbox, hostname="localhost", loop=loop, **options)

    server = await loop.create_server(protocol, "127.0.0.1", 0, ssl=tls)
    inbox.port = server.sockets[0].getsockname()[1]
    try:
        yield inbox
    finally:
        server.close()
        await server.wait_closed()
