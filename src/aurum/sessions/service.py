"""Listing and ending sign-in sessions, one's own or (admins) anyone's. Never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from aurum.audit.events import AuditEventType
from aurum.audit.service import AuditLog
from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.events.publish import publish
from aurum.events.types import EventType
from aurum.models.auth_session import AuthSession
from aurum.models.user import User
from aurum.session_store.repository import SessionRepository
from aurum.sessions.errors import SessionNotFound
from aurum.sessions.repository import UserSessionRepository
from aurum.sessions.schemas import SessionRead
from aurum.users.errors import UserNotFound
from aurum.users.repository import UserRepository

MAX_LISTED = 100


@dataclass(frozen=True, slots=True)
class Revoker:
    """Who ends sessions: a user (the owner, or an admin), or a service client."""

    user_id: uuid.UUID | None = None
    client_id: str | None = None


class SessionService:
    def __init__(
        self,
        sessions: SessionRepository,
        listing: UserSessionRepository,
        users: UserRepository,
        settings: Settings,
        audit: AuditLog,
    ) -> None:
        self.sessions = sessions
        self.listing = listing
        self.users = users
        self.settings = settings
        self.audit = audit

    async def user(self, username: str) -> User:
        user = await self.users.get_by_username(username)
        if user is None:
            raise UserNotFound
        return user

    async def list(self, user_id: uuid.UUID, *, current: uuid.UUID | None) -> list[SessionRead]:
        """Live sessions, most recently used first (at most 100)."""
        now = utcnow()
        idle = timedelta(days=self.settings.refresh_token_idle_days)
        rows = await self.listing.list_live(
            user_id, now=now, idle_since=now - idle, limit=MAX_LISTED
        )
        return [self._read(row, idle, current) for row in rows]

    async def revoke(
        self, user_id: uuid.UUID, session_id: uuid.UUID, reason: str, *, by: Revoker
    ) -> None:
        """End one session; its refresh token and access tokens stop working at once."""
        if await self.listing.get_live(user_id, session_id) is None:
            raise SessionNotFound
        if await self.sessions.revoke(session_id, reason):
            await self._record(user_id, by, reason=reason, session_id=str(session_id))

    async def revoke_all(
        self, user_id: uuid.UUID, reason: str, *, by: Revoker, keep: uuid.UUID | None = None
    ) -> None:
        """End every session of the user but `keep`: one event, with how many ended."""
        count = await self.sessions.revoke_all_for_user(user_id, reason, keep=keep)
        if count:
            await self._record(user_id, by, reason=reason, count=count)

    async def _record(self, user_id: uuid.UUID, by: Revoker, **details: str | int) -> None:
        if by.client_id is not None:
            details["client_id"] = by.client_id
        await self.audit.record(
            AuditEventType.SESSION_REVOKED, actor_id=by.user_id, subject_id=user_id, details=details
        )
        await publish(self.sessions.session, EventType.SESSION_REVOKED, user_id=user_id, **details)

    @staticmethod
    def _read(row: AuthSession, idle: timedelta, current: uuid.UUID | None) -> SessionRead:
        return SessionRead(
            id=row.id,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=min(row.expires_at, row.last_used_at + idle),
            user_agent=row.user_agent,
            ip_address=row.ip_address,
            client_id=row.client_id,
            current=row.id == current,
        )
