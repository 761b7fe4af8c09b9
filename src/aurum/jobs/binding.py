"""The job runner rides on the database sessions, so code that holds nothing but a session
(a service publishing an event, the session store ending a sign-in) can record a job in
that session's transaction. The service's sessionmaker carries its runner (the lifespan);
a command's carries one that records jobs for the service to run (`aurum.command_jobs`).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.jobs.runner import JobRunner

_KEY = "aurum.job_runner"


def bind_job_runner(sessionmaker: async_sessionmaker[AsyncSession], runner: JobRunner) -> None:
    """Every session `sessionmaker` makes from now on can record jobs."""
    sessionmaker.configure(info={_KEY: runner})


def bound_job_runner(session: AsyncSession) -> JobRunner | None:
    runner: JobRunner | None = session.info.get(_KEY)
    return runner
