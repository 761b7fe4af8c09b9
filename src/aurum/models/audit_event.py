from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base, UUIDPrimaryKey, utcnow


class AuditEvent(UUIDPrimaryKey, Base):
    """One security event. Rows are only ever inserted (a trigger refuses updates).

    Actor and subject are plain ids, not foreign keys: the trail outlives deleted users.
    """

    __tablename__ = "audit_events"

    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    event_type: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[uuid.UUID | None]
    subject_id: Mapped[uuid.UUID | None]
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    # Newest first, by (occurred_at, id): one index per filter the admin listing offers.
    __table_args__ = (
        Index("ix_audit_events_occurred_at_id", "occurred_at", "id"),
        Index("ix_audit_events_event_type_occurred_at", "event_type", "occurred_at", "id"),
        Index("ix_audit_events_actor_id_occurred_at", "actor_id", "occurred_at", "id"),
        Index("ix_audit_events_subject_id_occurred_at", "subject_id", "occurred_at", "id"),
    )
