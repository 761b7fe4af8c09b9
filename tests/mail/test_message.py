"""Messages: the same bytes as the standard library's default policy writes, built faster."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import default

from aurum.mail.message import build_message

FIELDS = {
    "sender": "Aurum <no-reply@aurum.example>",
    "to": "José Pérez <jose@example.com>",
    "subject": "Confirma tu correo / Confirm your email - Aurum",
    "body": "Ábrelo aquí: https://aurum.example/verify?token=abc\n\nOpen it here.\n",
}


def test_a_message_is_what_the_default_policy_writes() -> None:
    built = build_message(**FIELDS)
    reference = EmailMessage(policy=default)
    for name in ("From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted"):
        reference[name] = built[name]
    reference.set_content(FIELDS["body"])
    assert built.as_bytes() == reference.as_bytes()


def test_header_classes_are_built_once() -> None:
    first, second = build_message(**FIELDS), build_message(**FIELDS)
    for name in ("From", "To", "Subject", "Content-Type"):
        assert type(first[name]) is type(second[name])
