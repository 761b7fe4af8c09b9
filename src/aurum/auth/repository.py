"""All SQL about sign-in sessions and their refresh tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.db.base import utcnow
from aurum.models.auth_session import AuthSession, RefreshToken
from aurum.models.user import User

# Statements of refresh-token rotation, built once: on this hot path, building and
# running them through the ORM's unit of work cost more than executing them.
_SESSIONS = cast("Table", AuthSession.__table__)
_REFRESH_TOKENS = cast("Table", RefreshToken.__table__)
_FIND_REFRESH_TOKEN = (
    select(RefreshToken, AuthSession, User)
    .join(AuthSession, RefreshToken.session_id == AuthSession.id)
    .join(User, AuthSession.user_id == User.id)
    .where(RefreshToken.token_hash == bindparam("token_hash"))
)
_INSERT_REFRESH_TOKEN = insert(_REFRESH_TOKENS)
_CLAIM_REFRESH_TOKEN = (
    update(_REFRESH_TOKENS)
    .where(_REFRESH_TOKENS.c.id == bindparam("token_id"), _REFRESH_TOKENS.c.used_at.is_(None))
    .values(used_at=bindparam("now"))
)
_TOUCH_SESSION = (
    update(_SESSIONS)
    .where(_SESSIONS.c.id == bindparam("session_id"))
    .values(last_used_at=bindparam("now"))
)


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, session_id: uuid.UUID) -> AuthSession | None:
        return await self.session.get(AuthSession, session_id)

    async def add(self, auth_session: AuthSession, token_hash: str) -> None:
        self.session.add(auth_session)
        await self.session.flush()
        await self.add_refresh_token(auth_session.id, token_hash)

    async def add_refresh_token(self, session_id: uuid.UUID, token_hash: str) -> None:
        await self.session.execute(
            _INSERT_REFRESH_TOKEN, {"session_id": session_id, "token_hash": token_hash}
        )

    async def find_refresh_token(
        self, token_hash: str
    ) -> tuple[RefreshToken, AuthSession, User] | None:
        row = (
            await self.session.execute(_FIND_REFRESH_TOKEN, {"token_hash": token_hash})
        ).one_or_none()
        return None if row is None else (row[0], row[1], row[2])

    async def claim_refresh_token(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Mark a refresh token used; False when another request already did (reuse)."""
        result = await self.session.execute(
            _CLAIM_REFRESH_TOKEN, {"token_id": token_id, "now": now}
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def touch(self, session_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(_TOUCH_SESSION, {"session_id": session_id, "now": now})

    async def revoke(self, session_id: uuid.UUID, reason: str) -> bool:
        result = await self.session.execute(
            update(AuthSession)
            .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def revoke_all_for_user(
        self, user_id: uuid.UUID, reason: str, *, keep: uuid.UUID | None = None
    ) -> int:
        """End every live session of the user (but `keep`); how many ended."""
        query = (
            update(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason)
            .execution_options(synchronize_session=False)
        )
        if keep is not None:
            query = query.where(AuthSession.id != keep)
        result = await self.session.execute(query)
        return int(getattr(result, "rowcount", 0) or 0)
