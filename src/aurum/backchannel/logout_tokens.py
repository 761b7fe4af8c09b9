"""Logout tokens (Back-Channel Logout 1.0 §2.4): a JWT telling an app a session ended."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import jwt

from aurum.db.base import utcnow
from aurum.security.keys import KeyStore

EVENT = "http://schemas.openid.net/event/backchannel-logout"
# §2.4: `typ` distinguishes it from every other JWT (RFC 8725 §3.11).
TOKEN_TYPE = "logout+jwt"  # noqa: S105 - a media type, not a secret


class LogoutTokens:
    """Signed as the app's ID tokens are (its `id_token_signed_response_alg`, else the
    default chain), so apps verify them as they verify ID tokens."""

    def __init__(self, keys: KeyStore, *, issuer: str, algorithm: str, ttl: timedelta) -> None:
        self.keys = keys
        self.issuer = issuer
        self.algorithm = algorithm
        self.ttl = ttl

    async def issue(
        self,
        *,
        client_id: str,
        subject: uuid.UUID,
        session_id: uuid.UUID,
        algorithm: str | None = None,
    ) -> str:
        """A fresh token (its own `jti`, `iat` now) for one delivery attempt: a retry
        later still carries a token the app accepts as recent. Never a `nonce` (§2.4)."""
        now = utcnow()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": client_id,
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
            "jti": uuid.uuid4().hex,
            "sub": str(subject),
            "sid": str(session_id),
            "events": {EVENT: {}},
        }
        key = await self.keys.current_signer(algorithm or self.algorithm)
        if key.private_key is None:
            msg = "the signing key has no private half"
            raise RuntimeError(msg)
        return jwt.encode(
            claims,
            key.private_key,
            algorithm=key.algorithm,
            headers={"kid": key.kid, "typ": TOKEN_TYPE},
        )
