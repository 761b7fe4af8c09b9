from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base, UUIDPrimaryKey, utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"  # waiting for `run_at`
    RUNNING = "running"  # claimed by a runner until `lease_expires_at`
    DONE = "done"
    DEAD = "dead"  # failed for good: an operator may retry it


class Job(UUIDPrimaryKey, Base):
    """One piece of background work, written in the transaction of the change that causes it.

    `payload` is encrypted (`aurum.jobs.payloads`): it may hold addresses and links.
    """

    __tablename__ = "jobs"

    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[JobStatus] = mapped_column(
        Enum(
            JobStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        ),
        default=JobStatus.QUEUED,
    )
    payload: Mapped[str | None] = mapped_column(Text)  # cleared once done
    attempts: Mapped[int] = mapped_column(default=0)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_expires_at: Mapped[datetime | None]
    claim_token: Mapped[uuid.UUID | None]
    last_error: Mapped[str | None] = mapped_column(String(512))
    # Held while the job is pending: at most one pending job per key (periodic work).
    unique_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_jobs_status_run_at", "status", "run_at"),
        Index("ix_jobs_created_at_id", "created_at", "id"),
    )
