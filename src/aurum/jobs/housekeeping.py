"""Periodic housekeeping: rows nobody can use any more are deleted, a bounded batch a run.

It runs as a periodic job, so one instance at a time does it (docs/jobs.md). Sessions that
ran out without being ended are told to whoever must hear of an ended session (the apps'
back-channel logout) in the transaction that deletes them."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.jobs.kinds import JobContext, JobKind
from aurum.models.account_token import AccountToken
from aurum.models.audit_event import AuditEvent
from aurum.models.auth_session import AuthSession
from aurum.models.authorization import AuthorizationCode
from aurum.models.job import Job, JobStatus

logger = logging.getLogger(__name__)

HOUSEKEEPING = "housekeeping"
# Called with the ids of sessions that expired while live, in the deleting transaction.
SessionsExpired = Callable[[AsyncSession, list[uuid.UUID]], Awaitable[None]]


class Housekeeping:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        sessions_expired: SessionsExpired | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.sessions_expired = sessions_expired

    def kind(self) -> JobKind:
        every = timedelta(seconds=self.settings.housekeeping_interval_seconds)
        return JobKind(HOUSEKEEPING, self.handle, max_attempts=1, every=every)

    async def handle(self, _: JobContext) -> None:
        await self.run()

    async def run(self) -> dict[str, int]:
        """One bounded pass; how many rows of each kind it deleted."""
        now = utcnow()
        settings = self.settings
        targets: dict[str, tuple[InstrumentedAttribute[Any], ColumnElement[bool]]] = {
            "account_tokens": (
                AccountToken.id,
                or_(AccountToken.used_at.is_not(None), AccountToken.expires_at < now),
            ),
            "authorization_codes": (
                AuthorizationCode.code_hash,
                AuthorizationCode.expires_at < now,
            ),
            "jobs": (
                Job.id,
                (Job.status == JobStatus.DONE)
                & (Job.finished_at < now - timedelta(days=settings.jobs_retention_days)),
            ),
        }
        if settings.audit_retention_days is not None:
            cutoff = now - timedelta(days=settings.audit_retention_days)
            targets["audit_events"] = (AuditEvent.id, AuditEvent.occurred_at < cutoff)
        deleted = {"sessions": await self._purge_sessions(now)}
        deleted |= {name: await self._purge(key, where) for name, (key, where) in targets.items()}
        logger.info(
            "housekeeping: deleted %s (at most %d of each a run)",
            ", ".join(f"{count} {name}" for name, count in deleted.items()),
            settings.housekeeping_batch_size,
        )
        return deleted

    async def _purge_sessions(self, now: datetime) -> int:
        """Expired sessions take their refresh tokens, browser cookies and codes with them;
        those that were still live are told about first (revoked ones were when revoked)."""
        batch = (
            select(AuthSession.id, AuthSession.revoked_at)
            .where(AuthSession.expires_at < now)
            .limit(self.settings.housekeeping_batch_size)
        )
        async with self.sessionmaker.begin() as db:
            rows = (await db.execute(batch)).all()
            if not rows:
                return 0
            live = [session_id for session_id, revoked_at in rows if revoked_at is None]
            if live and self.sessions_expired is not None:
                await self.sessions_expired(db, live)
            result = await db.execute(
                delete(AuthSession)
                .where(AuthSession.id.in_([session_id for session_id, _ in rows]))
                .execution_options(synchronize_session=False)
            )
        return cast("CursorResult[Any]", result).rowcount

    async def _purge(self, key: InstrumentedAttribute[Any], where: ColumnElement[bool]) -> int:
        batch = select(key).where(where).limit(self.settings.housekeeping_batch_size)
        async with self.sessionmaker.begin() as db:
            result = await db.execute(
                delete(key.class_)
                .where(key.in_(batch.scalar_subquery()))
                .execution_options(synchronize_session=False)
            )
        return cast("CursorResult[Any]", result).rowcount
