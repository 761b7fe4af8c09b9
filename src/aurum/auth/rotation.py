"""Refresh-token rotation: each token is used once; a second use ends its whole session.

A rotation that succeeds reads nothing first: the token is claimed only if unused and its
session can still be refreshed, and the claim returns what the new access token needs
(one statement on PostgreSQL). Only a refusal reads the token and its session, to tell a
reused token (its session is revoked) from an invalid one.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from datetime import timedelta
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncEngine

from aurum.audit.events import AuditEventType
from aurum.audit.service import AuditLog
from aurum.auth.errors import InvalidRefreshToken, RefreshTokenReused
from aurum.auth.schemas import TokenResponse
from aurum.auth.token_pair import token_pair
from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.db.reads import transaction
from aurum.security.access_tokens import AccessTokenCodec
from aurum.security.opaque_tokens import new_token, token_digest
from aurum.security.rate_limiter import RateLimiter, account_key
from aurum.session_store.repository import SessionRepository

REFRESH_PER_ACCOUNT = "30/minute;300/hour"


class TokenRotation:
    def __init__(
        self,
        sessions: SessionRepository,
        access_tokens: AccessTokenCodec,
        settings: Settings,
        *,
        audit: AuditLog,
        limiter: RateLimiter,
        engine: AsyncEngine | None = None,
    ) -> None:
        self.sessions = sessions
        self.access_tokens = access_tokens
        self.idle = timedelta(days=settings.refresh_token_idle_days)
        self.audit = audit
        self.limiter = limiter
        self.engine = engine  # for a rotation in a transaction of its own (see `refresh`)

    async def refresh(
        self, refresh_token: str, *, client_id: str | None = None, alone: bool = False
    ) -> TokenResponse:
        """Rotate; a session opened through an OAuth client is refreshed only by that client.

        `alone`: the request's transaction holds nothing else, so on PostgreSQL the rotation
        runs in a transaction of its own, on asyncpg itself (a third of the CPU of the same
        statements through the ORM session)."""
        now = utcnow()
        digest = token_digest(refresh_token)
        successor = new_token()
        own = alone and self.engine is not None and self.engine.dialect.driver == "asyncpg"
        engine = self.engine if own else None
        async with nullcontext() if engine is None else transaction(engine) as rotating:
            rotated = await self.sessions.rotate_refresh_token(
                digest,
                token_digest(successor),
                now,
                client_id=client_id,
                idle_since=now - self.idle,
                transaction=rotating,
            )
            if rotated is not None:
                # Over the limit, the rotation is rolled back (with its own transaction, or
                # with the request's): the token still works.
                await self._count(rotated.user_id)
        if rotated is None:
            await self._refuse(digest, client_id)
        return token_pair(
            self.access_tokens,
            user_id=rotated.user_id,
            session_id=rotated.session_id,
            scope=rotated.scope,
            client_id=client_id,
            refresh_token=successor,
        )

    async def _count(self, user_id: uuid.UUID) -> None:
        """Every rotation attempt with a known token counts against its account."""
        await self.limiter.hit("refresh.account", account_key(user_id.hex), REFRESH_PER_ACCOUNT)

    async def _refuse(self, digest: str, client_id: str | None) -> NoReturn:
        """A known token of another client or of a revoked session is just invalid; one
        already used is a reuse: its session is revoked. Else the session has expired,
        or its user is disabled."""
        found = await self.sessions.find_refresh_token(digest)
        if found is None:
            raise InvalidRefreshToken
        token, auth_session, user = found
        await self._count(user.id)
        if auth_session.client_id != client_id or auth_session.revoked_at is not None:
            raise InvalidRefreshToken
        if token.used_at is None:
            raise InvalidRefreshToken
        await self.sessions.revoke(auth_session.id, "refresh_token_reused")
        await self.audit.record(
            AuditEventType.REFRESH_TOKEN_REUSED,
            subject_id=user.id,
            details={"session_id": str(auth_session.id)},
        )
        raise RefreshTokenReused
