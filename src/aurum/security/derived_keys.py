"""Keys derived from SECRET_KEY, one per purpose, so no two features share key material."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(secret: str, purpose: str) -> bytes:
    """32 bytes for `purpose` (HKDF-SHA256; the purpose is the HKDF info)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        secret.encode()
    )


def derive_fernet(secret: str, purpose: str) -> Fernet:
    """Authenticated encryption at rest with a key for `purpose` alone."""
    return Fernet(base64.urlsafe_b64encode(derive_key(secret, purpose)))
