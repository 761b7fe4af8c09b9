"""Access tokens: short-lived JWTs (RFC 9068) signed by the current key of the
access-token chain (SIGNING_ALGORITHM).

Every token names its client (`client_id`) and carries the `at+jwt` header type; a token
without either is refused. Sign-ins made without an OAuth client (the legacy password
path) name the built-in first-party client (FIRST_PARTY_CLIENT_ID)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from cachetools import TLRUCache

from aurum.db.base import utcnow
from aurum.security.keys import KeyStore, LoadedKey

ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret
JWT_HEADER_TYPE = "at+jwt"
# RFC 9068 §4: the media type, with or without its "application/" prefix (RFC 7515 §4.1.9).
ACCEPTED_HEADER_TYPES = frozenset({JWT_HEADER_TYPE, f"application/{JWT_HEADER_TYPE}"})
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat", "jti", "typ", "client_id"]
VERIFIED_TOKENS_KEPT = 4096


class TokenRejected(Exception):
    """The token is malformed, forged, expired or not meant for us."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    subject: str
    session_id: uuid.UUID | None
    scope: frozenset[str]
    jti: str
    expires_at: int
    issued_at: int
    client_id: str | None  # always set on our tokens; None on another issuer's
    raw: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Verified:
    claims: AccessClaims
    kid: str


class AccessTokenCodec:
    def __init__(
        self,
        keys: KeyStore,
        *,
        algorithm: str,
        issuer: str,
        audience: str,
        ttl: timedelta,
        first_party_client_id: str,
    ) -> None:
        self._keys = keys
        self.algorithm = algorithm  # the chain that signs; any live key may verify
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl
        self.first_party_client_id = first_party_client_id
        # Tokens this process verified, until they expire: an app sends the same token
        # for minutes, and checking the signature is most of an authenticated read's CPU.
        self._verified: TLRUCache[str, _Verified] = TLRUCache(
            maxsize=VERIFIED_TOKENS_KEPT, ttu=_expiry, timer=time.time
        )

    @property
    def signing_key(self) -> LoadedKey:
        """The key that signs access tokens now."""
        return self._keys.signing_key_for(self.algorithm)

    def verified(self, token: str) -> AccessClaims | None:
        """The claims of a token this process verified, if still valid; None otherwise
        (not seen, expired, or its key was retired since)."""
        entry = self._verified.get(token)
        if entry is None:
            return None
        if self._keys.get(entry.kid) is None:
            del self._verified[token]
            return None
        return entry.claims

    def issue(
        self,
        subject: str,
        *,
        session_id: uuid.UUID | None = None,
        scope: str = "",
        client_id: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """A signed token; `client_id` None: a sign-in made without an OAuth client."""
        now = utcnow()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
            "jti": uuid.uuid4().hex,
            "typ": ACCESS_TOKEN_TYPE,
            "client_id": self.first_party_client_id if client_id is None else client_id,
        }
        if session_id is not None:
            claims["sid"] = str(session_id)
        if scope:
            claims["scope"] = scope
        if extra:
            claims.update(extra)
        key = self.signing_key
        if key.private_key is None:
            msg = "the signing key has no private half"
            raise RuntimeError(msg)
        token = jwt.encode(
            claims,
            key.private_key,
            algorithm=key.algorithm,
            headers={"kid": key.kid, "typ": JWT_HEADER_TYPE},
        )
        return token, claims

    def recognizes(self, token: str) -> bool:
        """Ours, unverified: signed with one of our keys or naming us as issuer. Any other
        bearer token may belong to another issuer (the single sign-on provider)."""
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError:
            return False
        kid = header.get("kid")
        return (isinstance(kid, str) and self._keys.get(kid) is not None) or claims.get(
            "iss"
        ) == self.issuer

    async def decode_ours(self, token: str) -> AccessClaims | None:
        """The verified claims of one of our tokens; None for a token of another issuer."""
        claims = self.verified(token)
        if claims is None and self.recognizes(token):
            return await self.decode(token)
        return claims

    async def decode(self, token: str) -> AccessClaims:
        cached = self.verified(token)
        if cached is not None:
            return cached
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise TokenRejected from exc
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise TokenRejected
        key = self._keys.get(kid)
        if key is None and await self._keys.refresh_if_stale():
            key = self._keys.get(kid)
        # The algorithm comes from our key, never from the token's header; RFC 9068 §4:
        # the header's type tells an access token from any other JWT signed by our keys.
        if (
            key is None
            or header.get("alg") != key.algorithm
            or header.get("typ") not in ACCEPTED_HEADER_TYPES
        ):
            raise TokenRejected
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.public_key,
                algorithms=[key.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": REQUIRED_CLAIMS},
                leeway=5,
            )
        except jwt.InvalidTokenError as exc:
            raise TokenRejected from exc
        if (
            claims.get("typ") != ACCESS_TOKEN_TYPE
            or not isinstance(claims.get("sub"), str)
            or not isinstance(claims.get("client_id"), str)
        ):
            raise TokenRejected
        verified = AccessClaims(
            subject=claims["sub"],
            session_id=_parse_uuid(claims.get("sid")),
            scope=frozenset(str(claims.get("scope", "")).split()),
            jti=str(claims["jti"]),
            expires_at=int(claims["exp"]),
            issued_at=int(claims["iat"]),
            client_id=claims["client_id"],
            raw=claims,
        )
        self._verified[token] = _Verified(verified, kid)
        return verified


def is_service_token(claims: AccessClaims) -> bool:
    """Client-credentials tokens name the client as their subject (RFC 9068 §2.2)."""
    return claims.client_id is not None and claims.subject == claims.client_id


def _expiry(_token: str, entry: _Verified, _now: float) -> float:
    return float(entry.claims.expires_at)


def _parse_uuid(value: object) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise TokenRejected from exc
