"""Plain-text messages with the headers mail servers expect."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr


def build_message(*, sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def bilingual_message(
    *, sender: str, to: str, subject: str, spanish: str, english: str
) -> EmailMessage:
    """Spanish first (the platform's users are in Ecuador), then English, one plain body."""
    return build_message(
        sender=sender, to=to, subject=subject, body=f"{spanish}\n\n---\n\n{english}\n"
    )


def masked(address: str) -> str:
    """For logs: enough to tell messages apart, not the whole address."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "***"
