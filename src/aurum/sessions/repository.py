"""SQL for listing a user's sessions (revoking them is `auth.repository.SessionRepository`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.models.auth_session import AuthSession


class UserSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_live(
        self, user_id: uuid.UUID, *, now: datetime, idle_since: datetime, limit: int
    ) -> list[AuthSession]:
        """Sessions that can still refresh, most recently used first."""
        return list(
            await self.session.scalars(
                select(AuthSession)
                .where(
                    AuthSession.user_id == user_id,
                    AuthSession.revoked_at.is_(None),
                    AuthSession.expires_at > now,
                    AuthSession.last_used_at > idle_since,
                )
                .order_by(AuthSession.last_used_at.desc(), AuthSession.id)
                .limit(limit)
            )
        )

    async def get_live(self, user_id: uuid.UUID, session_id: uuid.UUID) -> AuthSession | None:
        return await self.session.scalar(
            select(AuthSession).where(
                AuthSession.id == session_id,
                AuthSession.user_id == user_id,
                AuthSession.revoked_at.is_(None),
            )
        )
