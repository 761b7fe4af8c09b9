"""Opaque tokens (refresh tokens and other one-time secrets): random, stored as a hash."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """SHA-256 hex: the token has 256 bits of entropy, so a fast hash is enough to store it."""
    return hashlib.sha256(token.encode()).hexdigest()
