"""The background jobs' backlog, as the metrics show it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.jobs.repository import JobRepository
from aurum.jobs.runner import record_backlog
from aurum.models.job import Job, JobStatus
from tests.conftest import AppFactory
from tests.jobs.support import wait_for
from tests.metrics.conftest import Scraper
from tests.metrics.scrape import TOKEN, Samples, value

JOBS = "aurum_jobs"
OLDEST_AGE = "aurum_jobs_oldest_due_age_seconds"


def job(status: JobStatus, *, due_in: timedelta) -> Job:
    return Job(
        id=uuid.uuid4(), kind="mail.account", status=status, attempts=0, run_at=utcnow() + due_in
    )


async def counted(state: AppState) -> None:
    async with state.sessionmaker() as db:
        record_backlog(await JobRepository(db).backlog(utcnow()))


async def test_jobs_by_status_and_the_oldest_due_jobs_wait(
    state: AppState, scrape: Scraper
) -> None:
    await state.jobs.close(grace=5)  # nothing runs (or counts) but the test
    await counted(state)
    before = await scrape()
    assert value(before, OLDEST_AGE) == 0  # nothing is waiting
    async with state.sessionmaker.begin() as db:
        db.add_all(
            [
                job(JobStatus.QUEUED, due_in=timedelta(seconds=-90)),  # waiting for 90 s
                job(JobStatus.QUEUED, due_in=timedelta(seconds=-5)),
                job(JobStatus.QUEUED, due_in=timedelta(hours=1)),  # a retry not due yet
                job(JobStatus.RUNNING, due_in=timedelta(seconds=-1)),
                job(JobStatus.DEAD, due_in=timedelta(days=-1)),
                job(JobStatus.DONE, due_in=timedelta(days=-1)),  # not counted
            ]
        )
    await counted(state)
    after = await scrape()

    def moved(status: str) -> float:
        return value(after, JOBS, status=status) - value(before, JOBS, status=status)

    assert (moved("queued"), moved("running"), moved("dead")) == (3, 1, 1)
    assert (JOBS, frozenset({("status", "done")})) not in after
    assert 90 <= value(after, OLDEST_AGE) < 150


async def test_the_runner_counts_the_backlog_while_it_runs(make_app: AppFactory) -> None:
    """A job of a kind no version knows goes dead; the next count shows it."""
    app = await make_app(metrics_token=TOKEN, jobs_poll_seconds=0.05)
    state: AppState = app.state.aurum
    async with state.sessionmaker.begin() as db:
        db.add(
            Job(
                id=uuid.uuid4(),
                kind="no.such.kind",
                status=JobStatus.QUEUED,
                attempts=0,
                run_at=utcnow(),
            )
        )
    state.jobs.wake()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        scrape = Scraper(client)

        async def dead_counted() -> bool:
            samples: Samples = await scrape()
            return value(samples, JOBS, status="dead") == 1

        await wait_for(dead_counted)
