"""What operators do with jobs (the admin API and `aurum jobs`). Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from aurum import pagination
from aurum.db.after_commit import after_commit
from aurum.db.base import utcnow
from aurum.errors import AppError
from aurum.jobs.repository import JobRepository
from aurum.models.job import Job, JobStatus

PURGEABLE = (JobStatus.DONE, JobStatus.DEAD)


class JobNotFound(AppError):
    status_code = 404
    code = "job_not_found"
    message = "No such job."
    message_es = "No existe ese trabajo."


class JobNotDead(AppError):
    status_code = 409
    code = "job_not_dead"
    message = "Only a dead job can be retried."
    message_es = "Solo se puede reintentar un trabajo fallido (dead)."


class JobService:
    def __init__(self, jobs: JobRepository, wake: Callable[[], None] | None = None) -> None:
        self.jobs = jobs
        self.wake = wake  # this process's runner; other processes find the job by polling

    async def list_page(
        self, *, status: JobStatus | None, kind: str | None, limit: int, cursor: str | None
    ) -> tuple[list[Job], str | None]:
        """Newest first, a page at a time; payloads are never shown."""
        before = pagination.decode_cursor(cursor, (datetime, uuid.UUID)) if cursor else None
        page = await self.jobs.list_page(
            status=status,
            kind=kind,
            limit=limit + 1,
            before=(before[0], before[1]) if before else None,
        )
        has_more = len(page) > limit
        page = page[:limit]
        last = page[-1] if has_more and page else None
        return page, pagination.encode_cursor((last.created_at, last.id)) if last else None

    async def retry(self, job_id: uuid.UUID) -> Job:
        """A dead job runs again, with all its attempts, as soon as a runner is free."""
        job = await self.jobs.get(job_id)
        if job is None:
            raise JobNotFound
        if job.status is not JobStatus.DEAD:
            raise JobNotDead
        job.status = JobStatus.QUEUED
        job.attempts = 0
        job.run_at = utcnow()
        job.finished_at = None
        await self.jobs.session.flush()
        if self.wake is not None:
            after_commit(self.jobs.session, self.wake)
        return job

    async def purge(self, *, status: JobStatus, older_than: timedelta) -> int:
        """Delete done or dead jobs that finished more than `older_than` ago."""
        return await self.jobs.purge(statuses=(status,), finished_before=utcnow() - older_than)
