"""What an introspection response must say before its token is accepted (RFC 7662)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

NOT_BEFORE_LEEWAY = 5  # seconds of clock skew tolerated for `nbf`
MAX_SUBJECT_LENGTH = 255  # the column that stores it
ACCESS_TOKEN_TYPES = frozenset({"bearer", "access_token"})
ACCESS_TOKEN_USE = "access_token"  # noqa: S105 - a claim value (Ory Hydra's token_use)
ACCESS_TOKEN_TYP = frozenset({"bearer", "at+jwt", "application/at+jwt"})  # Keycloak's `typ`


class TokenRejected(Exception):
    """The provider does not vouch for the token, or not for this service, or not now."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def same_issuer(a: str, b: str) -> bool:
    """Issuer identifiers compare exactly, but for a trailing slash."""
    return a.rstrip("/") == b.rstrip("/")


@dataclass(frozen=True, slots=True)
class ExternalToken:
    """An accepted external access token: who it names and what the provider said."""

    issuer: str
    subject: str
    audience: tuple[str, ...]
    expires_at: int | None
    not_before: int | None
    issued_at: int | None
    client_id: str | None
    scope: str
    jti: str | None
    username: str | None
    email: str | None
    email_verified: bool | None
    name: str | None

    def check_time(self, now: float) -> None:
        if self.expires_at is not None and now >= self.expires_at:
            raise TokenRejected("expired")
        if self.not_before is not None and now + NOT_BEFORE_LEEWAY < self.not_before:
            raise TokenRejected("not_yet_valid")

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> ExternalToken:
        data = json.loads(raw)
        data["audience"] = tuple(data["audience"])
        return cls(**data)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _audience(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def validate(
    response: Mapping[str, Any], *, issuer: str, audiences: frozenset[str], now: float
) -> ExternalToken:
    """Accept only an active access token of our issuer, for one of our audiences, valid now."""
    if response.get("active") is not True:
        raise TokenRejected("inactive")
    token_issuer = _text(response.get("iss"))
    if token_issuer is None or not same_issuer(token_issuer, issuer):
        raise TokenRejected("issuer")
    audience = _audience(response.get("aud"))
    if not audiences.intersection(audience):
        raise TokenRejected("audience")
    token_type = _text(response.get("token_type"))
    if token_type is not None and token_type.lower() not in ACCESS_TOKEN_TYPES:
        raise TokenRejected("token_type")  # a refresh token or an ID token, say
    token_use = _text(response.get("token_use"))
    if token_use is not None and token_use != ACCESS_TOKEN_USE:
        raise TokenRejected("token_type")
    typ = _text(response.get("typ"))
    if typ is not None and typ.lower() not in ACCESS_TOKEN_TYP:
        raise TokenRejected("token_type")  # Keycloak says "Refresh", "Offline", "ID"...
    if response.get("cnf") is not None:
        # Bound to a key or certificate (DPoP, mTLS): it cannot be accepted as a plain bearer.
        raise TokenRejected("sender_constrained")
    client_id = _text(response.get("client_id"))
    # A client-credentials token names no user: its subject is the client (a service account).
    subject = _text(response.get("sub")) or client_id
    if subject is None or len(subject) > MAX_SUBJECT_LENGTH:
        raise TokenRejected("subject")
    verified = response.get("email_verified")
    token = ExternalToken(
        issuer=issuer.rstrip("/"),
        subject=subject,
        audience=audience,
        expires_at=_number(response.get("exp")),
        not_before=_number(response.get("nbf")),
        issued_at=_number(response.get("iat")),
        client_id=client_id,
        scope=_text(response.get("scope")) or "",
        jti=_text(response.get("jti")),
        username=_text(response.get("preferred_username")) or _text(response.get("username")),
        email=_text(response.get("email")),
        email_verified=verified if isinstance(verified, bool) else None,
        name=_text(response.get("name")),
    )
    token.check_time(now)
    return token
