"""The principal types: who a verified bearer token stands for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from aurum.models.user import User
from aurum.security.access_tokens import AccessClaims


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in user (a user's access token)."""

    user: User
    claims: AccessClaims

    @property
    def session_id(self) -> uuid.UUID | None:
        return self.claims.session_id


@dataclass(frozen=True, slots=True)
class LinkedPrincipal(Principal):
    """A user signed in with a token of the single sign-on provider (a linked account)."""


@dataclass(frozen=True, slots=True)
class ServicePrincipal:
    """A service client acting on its own behalf: no user, only its scopes."""

    client_id: str
    scopes: frozenset[str]
    claims: AccessClaims


@dataclass(frozen=True, slots=True)
class BrowserPrincipal:
    """A person signed in at Aurum's own pages (the browser session's cookie)."""

    user: User
    session_id: uuid.UUID
    auth_time: datetime
    amr: tuple[str, ...]  # RFC 8176: how they proved who they are ("pwd", "otp")


# Whoever presents a valid access token: a user, or a service client (client credentials).
Caller = Principal | ServicePrincipal
