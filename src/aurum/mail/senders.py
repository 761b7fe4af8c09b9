"""Where messages go: standard output, .eml files, or an SMTP server."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib

from aurum.config import EmailBackend, Environment, Settings, SmtpTls
from aurum.jobs.kinds import PermanentFailure, TemporaryFailure

logger = logging.getLogger(__name__)

# The server refused this message (its sender, recipient or content), not us: a 5xx answer
# to these will not change. 5xx to a greeting or to AUTH is a configuration problem, whose
# messages are retried while an operator fixes it.
_MESSAGE_REFUSALS = (
    aiosmtplib.SMTPSenderRefused,
    aiosmtplib.SMTPRecipientRefused,
    aiosmtplib.SMTPDataError,
)


class Sender(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


# Every link an email carries: the ones that matter hold a single-use token.
LINK = re.compile(r"https?://\S+")
HIDDEN_LINK = "[link hidden: EMAIL_CONSOLE_LINKS=true shows it in development]"


class ConsoleSender:
    """Development: prints the message to standard output, not the log.

    Links are hidden unless `show_links` (EMAIL_CONSOLE_LINKS=true in development): they
    carry tokens that sign in, reset a password or confirm an address, and standard output
    usually ends up in a log. The file backend and an SMTP catcher (Mailpit) keep them.
    """

    def __init__(self, *, show_links: bool = False) -> None:
        self.show_links = show_links

    async def send(self, message: EmailMessage) -> None:
        # Headers and the decoded text, so links are readable (the wire form is encoded).
        headers = "".join(f"{name}: {message[name]}\n" for name in ("From", "To", "Subject"))
        part = message.get_body(("plain",))
        text = part.get_content() if part is not None else ""
        if not self.show_links:
            text = LINK.sub(HIDDEN_LINK, text)
        await asyncio.to_thread(_write_stdout, f"{headers}\n{text}")


def _write_stdout(text: str) -> None:
    sys.stdout.write(f"{text}\n{'-' * 72}\n")
    sys.stdout.flush()


class FileSender:
    """Development: one .eml file per message in a directory."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, message.as_bytes())

    def _write(self, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(data)


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage) -> None:
        settings = self.settings
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user,
                password=password,
                use_tls=settings.smtp_tls is SmtpTls.TLS,
                start_tls=settings.smtp_tls is SmtpTls.STARTTLS,
                cert_bundle=settings.smtp_ca_file,
                timeout=settings.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = sorted({refusal.code for refusal in exc.recipients})
            raise _failure(codes, f"SMTP {codes} for the recipient") from exc
        except _MESSAGE_REFUSALS as exc:
            raise _failure([exc.code], f"SMTP {exc.code} ({type(exc).__name__})") from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise TemporaryFailure(f"SMTP {exc.code} ({type(exc).__name__})") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise TemporaryFailure(type(exc).__name__) from exc


def _failure(codes: list[int], description: str) -> Exception:
    """5xx is permanent (dead at once); anything else (4xx) is worth another attempt."""
    if codes and all(500 <= code < 600 for code in codes):
        return PermanentFailure(description)
    return TemporaryFailure(description)


def build_sender(settings: Settings) -> Sender:
    backend = settings.mail_backend
    if backend is not EmailBackend.SMTP and settings.environment is Environment.PRODUCTION:
        logger.warning("EMAIL_BACKEND is %s in production: set SMTP_HOST to send email", backend)
    if backend is EmailBackend.SMTP:
        return SmtpSender(settings)
    if backend is EmailBackend.FILE:
        return FileSender(settings.email_file_dir)
    show_links = settings.email_console_links and settings.environment is Environment.DEVELOPMENT
    return ConsoleSender(show_links=show_links)
