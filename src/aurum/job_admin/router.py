"""Background jobs, for administrators: see them, retry the dead, purge the finished."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from aurum.callers.dependencies import AdminUser
from aurum.job_admin.dependencies import JobServiceDep
from aurum.job_admin.schemas import JobPage, JobPurge, JobPurged, JobQuery, JobRead
from aurum.models.job import JobStatus

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("")
async def list_jobs(
    query: Annotated[JobQuery, Query()], _: AdminUser, jobs: JobServiceDep
) -> JobPage:
    """Jobs, newest first; follow `next_cursor` (`?cursor=`) for older ones."""
    page, next_cursor = await jobs.list_page(
        status=query.status, kind=query.kind, limit=query.limit, cursor=query.cursor
    )
    return JobPage(items=[JobRead.model_validate(job) for job in page], next_cursor=next_cursor)


@router.post("/{job_id}/retry")
async def retry_job(job_id: uuid.UUID, _: AdminUser, jobs: JobServiceDep) -> JobRead:
    """Run a dead job again, from its first attempt."""
    return JobRead.model_validate(await jobs.retry(job_id))


@router.post("/purge")
async def purge_jobs(body: JobPurge, _: AdminUser, jobs: JobServiceDep) -> JobPurged:
    """Delete done or dead jobs that finished more than `older_than_days` ago."""
    purged = await jobs.purge(
        status=JobStatus(body.status), older_than=timedelta(days=body.older_than_days)
    )
    return JobPurged(purged=purged)
