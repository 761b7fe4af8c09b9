"""Endpoint secrets and Standard Webhooks signatures (the spec's own library signs).

A secret is `whsec_` and 32 random bytes in base64, as the spec recommends. Signing needs
the secret itself, so it is stored encrypted with a key derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks import Webhook

from aurum.security.derived_keys import derive_fernet

SECRET_PREFIX = "whsec_"  # noqa: S105 - the spec's prefix


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


class SecretBox:
    """Encrypts endpoint secrets at rest (Fernet, with a key for this purpose alone)."""

    def __init__(self, secret_key: str) -> None:
        self._fernet = derive_fernet(secret_key, "webhook-endpoint-secrets")

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        return self._fernet.decrypt(sealed.encode()).decode()


def signature_header(
    secrets_in_use: Sequence[str], message_id: str, timestamp: datetime, body: str
) -> str:
    """`webhook-signature`: one `v1,<signature>` per secret, space-separated, so a receiver
    still holding the previous secret verifies during a rotation."""
    return " ".join(
        Webhook(secret).sign(msg_id=message_id, timestamp=timestamp, data=body)
        for secret in secrets_in_use
    )
