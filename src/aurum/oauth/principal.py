"""Service clients as callers: who presents a client-credentials access token."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from aurum.errors import InvalidToken
from aurum.oauth.repository import ClientRepository
from aurum.security.access_tokens import AccessClaims


@dataclass(frozen=True, slots=True)
class ServicePrincipal:
    """A service client acting on its own behalf: no user, only its scopes."""

    client_id: str
    scopes: frozenset[str]
    claims: AccessClaims


def is_service_token(claims: AccessClaims) -> bool:
    """Client-credentials tokens name the client as their subject (RFC 9068 §2.2)."""
    return claims.client_id is not None and claims.subject == claims.client_id


async def load_service_principal(db: AsyncSession, claims: AccessClaims) -> ServicePrincipal:
    """One query: the client still exists and is enabled, and the token is not revoked."""
    assert claims.client_id is not None  # noqa: S101 - checked by is_service_token
    client = await ClientRepository(db).get_live_for_token(claims.client_id, claims.jti)
    if client is None:
        raise InvalidToken
    # Scopes taken away from the client stop working at once, even on issued tokens.
    return ServicePrincipal(
        client_id=client.client_id,
        scopes=claims.scope & frozenset(client.scopes),
        claims=claims,
    )
