"""All SQL about jobs: claiming, finishing, and what operators list, retry and purge."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, case, delete, func, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.models.job import Job, JobStatus

PENDING = (JobStatus.QUEUED, JobStatus.RUNNING)
UNFINISHED = (*PENDING, JobStatus.DEAD)


@dataclass(frozen=True, slots=True)
class Backlog:
    counts: dict[JobStatus, int]  # queued, running and dead: 0 when there are none
    oldest_due: datetime | None  # when the longest-waiting queued job fell due


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: uuid.UUID
    kind: str
    payload: str | None
    attempts: int


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self, *, limit: int, now: datetime, lease: timedelta, token: uuid.UUID
    ) -> list[ClaimedJob]:
        """Take up to `limit` due jobs: queued ones whose time has come, and running ones
        whose runner's lease ran out (a process that died). Rows another runner is claiming
        are skipped (PostgreSQL); SQLite runs one statement at a time anyway."""
        due = or_(
            and_(Job.status == JobStatus.QUEUED, Job.run_at <= now),
            and_(Job.status == JobStatus.RUNNING, Job.lease_expires_at <= now),
        )
        ids = (
            select(Job.id)
            .where(due)
            .order_by(Job.run_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = await self.session.execute(
            update(Job)
            .where(Job.id.in_(ids.scalar_subquery()))
            .values(
                status=JobStatus.RUNNING,
                claim_token=token,
                lease_expires_at=now + lease,
                attempts=Job.attempts + 1,
            )
            .returning(Job.id, Job.kind, Job.payload, Job.attempts)
            .execution_options(synchronize_session=False)
        )
        return [ClaimedJob(*row) for row in claimed.all()]

    async def finish(
        self,
        job_id: uuid.UUID,
        token: uuid.UUID,
        *,
        status: JobStatus,
        now: datetime,
        error: str | None,
    ) -> bool:
        """Done or dead; False when the claim was lost (the lease ran out, another took it)."""
        values: dict[str, Any] = {
            "status": status,
            "finished_at": now,
            "claim_token": None,
            "lease_expires_at": None,
            "unique_key": None,
            "last_error": error,
        }
        if status is JobStatus.DONE:
            values["payload"] = None  # nothing to keep once delivered
        return await self._update_claimed(job_id, token, values)

    async def reschedule(
        self, job_id: uuid.UUID, token: uuid.UUID, *, run_at: datetime, error: str
    ) -> bool:
        values = {
            "status": JobStatus.QUEUED,
            "run_at": run_at,
            "claim_token": None,
            "lease_expires_at": None,
            "last_error": error,
        }
        return await self._update_claimed(job_id, token, values)

    async def release(self, token: uuid.UUID, ids: list[uuid.UUID]) -> None:
        """Give back claimed jobs not run (shutdown), as they were before the claim."""
        await self.session.execute(
            update(Job)
            .where(Job.id.in_(ids), Job.claim_token == token)
            .values(
                status=JobStatus.QUEUED,
                claim_token=None,
                lease_expires_at=None,
                attempts=Job.attempts - 1,
            )
            .execution_options(synchronize_session=False)
        )

    async def _update_claimed(
        self, job_id: uuid.UUID, token: uuid.UUID, values: dict[str, Any]
    ) -> bool:
        result = await self.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.claim_token == token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return cast("CursorResult[Any]", result).rowcount == 1

    async def schedule_once(self, *, kind: str, key: str, run_at: datetime) -> None:
        """A pending job under `key`, unless one is already pending (any instance's)."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await self.session.execute(
            insert(Job)
            .values(
                id=uuid.uuid4(),
                kind=kind,
                status=JobStatus.QUEUED,
                attempts=0,
                run_at=run_at,
                unique_key=key,
                created_at=run_at,
            )
            .on_conflict_do_nothing(index_elements=["unique_key"])
        )

    async def count_pending(self, *, excluding: tuple[str, ...] = ()) -> int:
        query = select(func.count()).select_from(Job).where(Job.status.in_(PENDING))
        if excluding:
            query = query.where(Job.kind.not_in(excluding))
        return int(await self.session.scalar(query) or 0)

    async def backlog(self, now: datetime) -> Backlog:
        due = case((and_(Job.status == JobStatus.QUEUED, Job.run_at <= now), Job.run_at))
        rows = await self.session.execute(
            select(Job.status, func.count(), func.min(due))
            .where(Job.status.in_(UNFINISHED))
            .group_by(Job.status)
        )
        counts = dict.fromkeys(UNFINISHED, 0)
        oldest: datetime | None = None
        for status, count, oldest_due in rows:
            counts[status] = count
            if oldest_due is not None:  # only the queued jobs' row has one
                oldest = oldest_due
        return Backlog(counts, oldest)

    # Operators

    async def list_page(
        self,
        *,
        status: JobStatus | None,
        kind: str | None,
        limit: int,
        before: tuple[datetime, uuid.UUID] | None,
    ) -> list[Job]:
        """Newest first; `before` is the keyset position of the previous page's last row."""
        query = select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
        if status is not None:
            query = query.where(Job.status == status)
        if kind is not None:
            query = query.where(Job.kind == kind)
        if before is not None:
            query = query.where(tuple_(Job.created_at, Job.id) < tuple_(*before))
        return list(await self.session.scalars(query))

    async def get(self, job_id: uuid.UUID) -> Job | None:
        return await self.session.get(Job, job_id)

    async def purge(self, *, statuses: tuple[JobStatus, ...], finished_before: datetime) -> int:
        """Delete finished jobs; how many went."""
        result = await self.session.execute(
            delete(Job)
            .where(Job.status.in_(statuses), Job.finished_at < finished_before)
            .execution_options(synchronize_session=False)
        )
        return cast("CursorResult[Any]", result).rowcount
