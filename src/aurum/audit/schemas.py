from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from aurum.audit.repository import AuditFilter


def _as_utc(value: datetime | None) -> datetime | None:
    """A time without an offset is read as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # e.g. 9999-12-31T23:59:59-23:59
        msg = "time out of range"
        raise ValueError(msg) from exc


Moment = Annotated[datetime | None, AfterValidator(_as_utc)]
EventType = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class AuditQuery(BaseModel):
    """Filters of the admin listing; every one is optional and they combine with AND."""

    model_config = ConfigDict(extra="forbid")

    event_type: list[EventType] = Field(default=[], max_length=20)
    actor_id: uuid.UUID | None = None
    subject_id: uuid.UUID | None = None
    since: Moment = None
    until: Moment = None
    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)

    def to_filter(self) -> AuditFilter:
        return AuditFilter(
            event_types=tuple(self.event_type),
            actor_id=self.actor_id,
            subject_id=self.subject_id,
            since=self.since,
            until=self.until,
        )


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    occurred_at: datetime
    event_type: str
    actor_id: uuid.UUID | None
    subject_id: uuid.UUID | None
    ip_address: str | None
    user_agent: str | None
    details: dict[str, Any]


class AuditEventPage(BaseModel):
    items: list[AuditEventRead]
    next_cursor: str | None
