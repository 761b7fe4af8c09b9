"""All SQL about the audit log. Inserts and reads only: the log is append-only."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.models.audit_event import AuditEvent

# Events are written on most requests that change something: a statement built once, not
# an object through the ORM's unit of work.
_INSERT_EVENT = insert(cast("Table", AuditEvent.__table__))


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

    async def add(self, event: Mapping[str, object]) -> None:
        """One event's row (`AuditLog.entry`), inserted at once."""
        await self.session.execute(_INSERT_EVENT, event)

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
