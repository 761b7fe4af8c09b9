"""All SQL about the audit log. Inserts and reads only: the log is append-only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.models.audit_event import AuditEvent


@dataclass(frozen=True, slots=True)
class AuditFilter:
    event_types: tuple[str, ...] = ()
    actor_id: uuid.UUID | None = None
    subject_id: uuid.UUID | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, event: AuditEvent) -> None:
        self.session.add(event)
        await self.session.flush()

    async def list_page(
        self,
        where: AuditFilter,
        *,
        limit: int,
        before: tuple[datetime, uuid.UUID] | None = None,
    ) -> list[AuditEvent]:
        """Newest first; `before` is the keyset position of the previous page's last row."""
        query = (
            select(AuditEvent)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
        if where.event_types:
            query = query.where(AuditEvent.event_type.in_(where.event_types))
        if where.actor_id is not None:
            query = query.where(AuditEvent.actor_id == where.actor_id)
        if where.subject_id is not None:
            query = query.where(AuditEvent.subject_id == where.subject_id)
        if where.since is not None:
            query = query.where(AuditEvent.occurred_at >= where.since)
        if where.until is not None:
            query = query.where(AuditEvent.occurred_at < where.until)
        if before is not None:
            occurred_at, event_id = before
            query = query.where(
                tuple_(AuditEvent.occurred_at, AuditEvent.id) < tuple_(occurred_at, event_id)
            )
        return list(await self.session.scalars(query))
