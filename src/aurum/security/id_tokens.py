"""ID tokens (OpenID Connect Core §2): who signed in, for which app, when and how."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt

from aurum.db.base import utcnow
from aurum.security.keys import KeyStore

# What a client may register as its `id_token_signed_response_alg`: RS256 (every relying
# party accepts it; OpenID Connect Core §15.1), ES256, and Ed25519 under RFC 9864's name
# (the deprecated `EdDSA` is not offered: joserfc, under Authlib, warns on it).
CLIENT_ALGORITHMS = ("RS256", "ES256", "Ed25519")


def id_token_algorithms(default: str) -> list[str]:
    """Every algorithm an ID token may be signed with: the default chain's and the ones a
    client may choose."""
    return list(dict.fromkeys((default, *CLIENT_ALGORITHMS)))


class IdTokens:
    """Signed with the client's chosen key chain, else with ID_TOKEN_SIGNING_ALGORITHM's
    (RS256 unless configured otherwise)."""

    def __init__(self, keys: KeyStore, *, issuer: str, algorithm: str, ttl: timedelta) -> None:
        self.keys = keys
        self.issuer = issuer
        self.algorithm = algorithm
        self.ttl = ttl

    async def issue(
        self,
        *,
        algorithm: str | None,
        subject: uuid.UUID,
        client_id: str,
        session_id: uuid.UUID,
        auth_time: datetime,
        amr: list[str],
        nonce: str | None,
    ) -> str:
        now = utcnow()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": str(subject),
            "aud": client_id,
            "azp": client_id,
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
            "auth_time": int(auth_time.timestamp()),
            "sid": str(session_id),  # the provider's session (back-channel logout names it)
            "amr": amr,
            # Level 1 of ISO/IEC 29115 for a password, 2 with a second factor.
            "acr": "2" if "mfa" in amr else "1",
        }
        if nonce is not None:
            claims["nonce"] = nonce
        key = await self.keys.current_signer(algorithm or self.algorithm)
        if key.private_key is None:
            msg = "the signing key has no private half"
            raise RuntimeError(msg)
        return jwt.encode(
            claims, key.private_key, algorithm=key.algorithm, headers={"kid": key.kid}
        )

    def client_of(self, hint: str) -> str | None:
        """The client an ID token of ours was issued to (RP-Initiated Logout's
        `id_token_hint`): signature and issuer checked, expiry not (an app signs its user
        out after their ID token expired, too). None if it is not one of ours."""
        try:
            kid = jwt.get_unverified_header(hint).get("kid")
            key = self.keys.get(kid) if isinstance(kid, str) else None
            if key is None:
                return None
            claims = jwt.decode(
                hint,
                key.public_key,
                algorithms=[key.algorithm],
                issuer=self.issuer,
                options={"verify_exp": False, "verify_aud": False, "require": ["aud", "sub"]},
            )
        except jwt.InvalidTokenError:
            return None
        audience = claims.get("aud")
        if isinstance(audience, list):
            audience = audience[0] if len(audience) == 1 else None
        return audience if isinstance(audience, str) else None
