from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.app_state import AppStateDep
from aurum.db.session import SessionDep
from aurum.job_admin.service import JobService
from aurum.jobs.repository import JobRepository


async def get_job_service(db: SessionDep, state: AppStateDep) -> JobService:
    return JobService(JobRepository(db), wake=state.jobs.wake)


JobServiceDep = Annotated[JobService, Depends(get_job_service)]
