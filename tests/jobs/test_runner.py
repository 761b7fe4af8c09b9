"""Jobs outlive the process that queued them and run once, however many runners there are."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.jobs.repository import JobRepository
from aurum.models.job import Job, JobStatus
from tests.conftest import AppFactory
from tests.jobs.support import mail_jobs, register, running_app, wait_for
from tests.live_server import free_port
from tests.mail_server import Inbox, token_of

SMTP = {
    "smtp_host": "127.0.0.1",
    "smtp_tls": "none",
    "email_from": "Aurum <no-reply@aurum.example>",
}


async def test_a_job_of_a_rolled_back_change_never_exists(state: AppState) -> None:
    async with state.sessionmaker() as db:
        state.jobs.enqueue(db, "mail.account", {"message": "mfa_reset", "email": "a@example.com"})
        await db.flush()
        await db.rollback()
    assert await mail_jobs(state) == []


async def test_the_payload_is_not_stored_in_clear(
    make_app: AppFactory, inbox: Inbox, migrated_url: str
) -> None:
    """Addresses and links are encrypted in the row; a delivered job keeps no payload."""
    inbox.refuse_next = 1
    inbox.refusal = "550 5.7.1 No"  # dead: its payload stays for an operator's retry
    app = await make_app(smtp_port=inbox.port, **SMTP)
    state: AppState = app.state.aurum
    async with state.sessionmaker.begin() as db:
        state.jobs.enqueue(db, "mail.account", {"message": "mfa_reset", "email": "ana@example.com"})
    await state.jobs.drain()
    [job] = await mail_jobs(state)
    assert job.status is JobStatus.DEAD
    assert job.payload is not None
    assert "ana" not in job.payload
    assert state.jobs.cipher.open(job.payload)["email"] == "ana@example.com"


async def test_queued_mail_is_delivered_after_a_restart(
    make_app: AppFactory, inbox: Inbox, migrated_url: str
) -> None:
    """The first process cannot reach the mail server and shuts down; the next one sends."""
    async with running_app(
        migrated_url, smtp_port=free_port(), mail_retry_base_seconds=0.05, **SMTP
    ) as (first, client):
        await register(client, "juan")
        state: AppState = first.state.aurum

        async def failed_once() -> bool:
            return any(job.attempts >= 1 and job.last_error for job in await mail_jobs(state))

        await wait_for(failed_once)
    [job] = await mail_jobs(state)
    assert job.status in (JobStatus.QUEUED, JobStatus.RUNNING)  # given back at shutdown
    assert inbox.is_empty()

    second = await make_app(smtp_port=inbox.port, **SMTP)
    message = await inbox.next()
    assert message["To"] == "juan@example.com"
    assert token_of(message)
    assert message["Message-ID"] == f"<{job.id}@aurum.example>"
    await second.state.aurum.jobs.drain()
    [done] = await mail_jobs(second.state.aurum)
    assert done.status is JobStatus.DONE


async def test_a_dead_runners_job_is_taken_over_and_its_late_outcome_refused(
    make_app: AppFactory, inbox: Inbox
) -> None:
    """A runner claims a job and dies: once its lease runs out another runs the job, and the
    first one's late report, with its old claim token, changes nothing."""
    app = await make_app(smtp_port=inbox.port, jobs_poll_seconds=0.1, **SMTP)
    state: AppState = app.state.aurum
    dead_runner = uuid.uuid4()
    # Due in half an hour (before the next housekeeping run), so this process's runner cannot
    # take it first; the dead runner claims it then, with a lease that runs out one real
    # second from now.
    ahead = timedelta(minutes=30)
    async with state.sessionmaker.begin() as db:
        db.add(
            Job(
                kind="mail.account",
                payload=state.jobs.cipher.seal({"message": "mfa_reset", "email": "a@example.com"}),
                run_at=utcnow() + ahead,
            )
        )
    async with state.sessionmaker.begin() as db:
        claimed = await JobRepository(db).claim(
            limit=1, now=utcnow() + ahead, lease=timedelta(seconds=1) - ahead, token=dead_runner
        )
    assert len(claimed) == 1
    message = await inbox.next()  # after the lease, this process's runner sends it
    assert message["To"] == "a@example.com"
    await state.jobs.drain()
    async with state.sessionmaker.begin() as db:
        late = await JobRepository(db).finish(
            claimed[0].id, dead_runner, status=JobStatus.DEAD, now=utcnow(), error="late"
        )
    assert late is False
    [job] = await mail_jobs(state)
    assert (job.status, job.attempts, job.last_error) == (JobStatus.DONE, 2, None)


async def test_two_runners_never_send_one_message_twice(make_app: AppFactory, inbox: Inbox) -> None:
    """Two processes' runners poll one database; each of 40 messages arrives once."""
    fast = {"smtp_port": inbox.port, "jobs_poll_seconds": 0.02, **SMTP}
    first, second = await make_app(**fast), await make_app(**fast)
    states: list[AppState] = [first.state.aurum, second.state.aurum]
    async with states[0].sessionmaker.begin() as db:
        for n in range(40):
            # Not through enqueue: neither runner is woken; both find the jobs by polling.
            db.add(
                Job(
                    kind="mail.account",
                    payload=states[0].jobs.cipher.seal(
                        {"message": "mfa_reset", "email": f"user{n}@example.com"}
                    ),
                )
            )
    for state in states:
        await state.jobs.drain()
    received = [await inbox.next() for _ in range(40)]
    assert inbox.is_empty()
    assert len({m["Message-ID"] for m in received}) == 40
    assert sorted(m["To"] for m in received) == sorted(f"user{n}@example.com" for n in range(40))
    assert sum(state.jobs.completed for state in states) == 40
    async with states[0].sessionmaker() as db:
        statuses = set(await db.scalars(select(Job.status).where(Job.kind == "mail.account")))
    assert statuses == {JobStatus.DONE}
