"""Operators list jobs, retry dead ones and purge finished ones: the admin API and `aurum jobs`."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.models.job import Job, JobStatus
from tests.conftest import Accounts
from tests.jobs.support import mail_jobs
from tests.mail_server import Inbox
from tests.test_cli import aurum

JOBS = "/api/v1/jobs"


def dead_job(state: AppState, email: str, finished_days_ago: int = 0) -> Job:
    return Job(
        kind="mail.account",
        status=JobStatus.DEAD,
        payload=state.jobs.cipher.seal({"message": "mfa_reset", "email": email}),
        attempts=5,
        last_error="SMTP 550 (SMTPDataError)",
        finished_at=utcnow() - timedelta(days=finished_days_ago),
    )


async def test_list_pages_through_jobs_newest_first_without_payloads(
    accounts: Accounts, client: httpx.AsyncClient, state: AppState
) -> None:
    admin = await accounts.admin()
    async with state.sessionmaker.begin() as db:
        for n in range(3):
            job = dead_job(state, f"user{n}@example.com")
            job.created_at = utcnow() - timedelta(minutes=n)
            db.add(job)
    first = await client.get(JOBS, params={"status": "dead", "limit": 2}, headers=admin)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [item["status"] for item in body["items"]] == ["dead", "dead"]
    assert "payload" not in body["items"][0]
    assert "example.com" not in first.text
    rest = await client.get(
        JOBS, params={"status": "dead", "cursor": body["next_cursor"]}, headers=admin
    )
    assert len(rest.json()["items"]) == 1
    assert rest.json()["next_cursor"] is None
    bad = await client.get(JOBS, params={"cursor": "nonsense"}, headers=admin)
    assert (bad.status_code, bad.json()["error"]) == (422, "invalid_cursor")
    user = await accounts.user("juan")
    assert (await client.get(JOBS, headers=user)).status_code == 403


async def test_a_dead_job_retried_is_delivered(
    mail_accounts: Accounts, mail_state: AppState, inbox: Inbox
) -> None:
    admin = await mail_accounts.admin()
    async with mail_state.sessionmaker.begin() as db:
        job = dead_job(mail_state, "ana@example.com")
        db.add(job)
    client = mail_accounts.client
    response = await client.post(f"{JOBS}/{job.id}/retry", headers=admin)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["attempts"]) == ("queued", 0)
    assert (await inbox.next())["To"] == "ana@example.com"
    await mail_state.jobs.drain()
    [done] = await mail_jobs(mail_state)
    assert (done.status, done.attempts) == (JobStatus.DONE, 1)
    again = await client.post(f"{JOBS}/{job.id}/retry", headers=admin)
    assert (again.status_code, again.json()["error"]) == (409, "job_not_dead")
    missing = await client.post(f"{JOBS}/{uuid.uuid4()}/retry", headers=admin)
    assert (missing.status_code, missing.json()["error"]) == (404, "job_not_found")


async def test_purge_deletes_finished_jobs_older_than_asked(
    accounts: Accounts, client: httpx.AsyncClient, state: AppState
) -> None:
    admin = await accounts.admin()
    async with state.sessionmaker.begin() as db:
        db.add_all([dead_job(state, "a@example.com", 40), dead_job(state, "b@example.com", 1)])
    purge = f"{JOBS}/purge"
    response = await client.post(
        purge, json={"status": "dead", "older_than_days": 30}, headers=admin
    )
    assert response.json() == {"purged": 1}
    assert len(await mail_jobs(state)) == 1
    for bad in ({"status": "queued"}, {"status": "dead", "older_than_days": -1}, {}):
        assert (await client.post(purge, json=bad, headers=admin)).status_code == 422


def test_the_command_line_lists_retries_and_purges(tmp_path: Path) -> None:
    assert aurum(tmp_path, "db", "upgrade").returncode == 0
    job_id = uuid.uuid4()

    async def seed() -> None:
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/cli.db")
        try:
            async with async_sessionmaker(engine).begin() as db:
                db.add(
                    Job(
                        id=job_id,
                        kind="mail.account",
                        status=JobStatus.DEAD,
                        attempts=5,
                        last_error="SMTP 550 (SMTPDataError)",
                        finished_at=utcnow() - timedelta(days=2),
                    )
                )
        finally:
            await engine.dispose()

    asyncio.run(seed())
    listed = aurum(tmp_path, "jobs", "list", "--status", "dead")
    assert listed.returncode == 0, listed.stderr
    assert str(job_id) in listed.stdout
    assert "SMTP 550" in listed.stdout
    retried = aurum(tmp_path, "jobs", "retry", str(job_id))
    assert retried.returncode == 0, retried.stderr
    assert "queued again" in retried.stdout
    assert aurum(tmp_path, "jobs", "retry", str(job_id)).returncode != 0  # no longer dead
    assert "No jobs." in aurum(tmp_path, "jobs", "list", "--status", "dead").stdout
    purged = aurum(tmp_path, "jobs", "purge", "--status", "dead")
    assert (purged.returncode, purged.stdout.strip()) == (0, "0 job(s) deleted.")
