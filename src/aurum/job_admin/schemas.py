from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from aurum.models.job import JobStatus


class JobQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: JobStatus | None = None
    kind: str | None = Field(default=None, min_length=1, max_length=64)
    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class JobRead(BaseModel):
    """A job as operators see it: never its payload (addresses, links)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    status: JobStatus
    attempts: int
    run_at: datetime
    created_at: datetime
    finished_at: datetime | None
    last_error: str | None


class JobPage(BaseModel):
    items: list[JobRead]
    next_cursor: str | None


class JobPurge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["done", "dead"]
    older_than_days: int = Field(default=0, ge=0, le=3650)


class JobPurged(BaseModel):
    purged: int
