"""Service clients as callers: who presents a client-credentials access token."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.callers.authentication import our_claims
from aurum.callers.principals import ServicePrincipal
from aurum.errors import InvalidToken
from aurum.oauth.repository import ClientRepository
from aurum.security.access_tokens import AccessClaims, AccessTokenCodec, is_service_token


class ClientTokens:
    """Access tokens Aurum issued to a service client (the client-credentials grant)."""

    def __init__(
        self, tokens: AccessTokenCodec, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> None:
        self.tokens = tokens
        self.sessionmaker = sessionmaker  # autocommit sessions: one read, no transaction

    async def authenticate(self, token: str) -> ServicePrincipal | None:
        claims = await our_claims(self.tokens, token)
        if claims is None or not is_service_token(claims):
            return None
        async with self.sessionmaker() as db:
            return await load_service_principal(db, claims)


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
