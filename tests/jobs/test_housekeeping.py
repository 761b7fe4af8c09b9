"""Housekeeping deletes what nobody can use any more, a bounded batch a run, on one instance."""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.jobs.housekeeping import HOUSEKEEPING, Housekeeping
from aurum.models.account_token import AccountToken, TokenPurpose
from aurum.models.audit_event import AuditEvent
from aurum.models.auth_session import AuthSession
from aurum.models.job import Job, JobStatus
from tests.conftest import Accounts, AppFactory
from tests.jobs.support import wait_for

LONG_AGO = timedelta(days=400)


async def seed(accounts: Accounts, state: AppState) -> None:
    """Of each kind, two rows past their use and at least one still in use."""
    juan = uuid.UUID((await accounts.register("juan"))["id"])
    for _ in range(3):
        await accounts.login("juan")
    await state.jobs.drain()  # the sign-up's link: a live token
    now = utcnow()
    async with state.sessionmaker.begin() as db:
        ids = list(await db.scalars(select(AuthSession.id).order_by(AuthSession.created_at)))
        await db.execute(
            update(AuthSession).where(AuthSession.id.in_(ids[:2])).values(expires_at=now - LONG_AGO)
        )
        for used_at, expires_at in ((now, now + timedelta(hours=1)), (None, now - LONG_AGO)):
            db.add(
                AccountToken(
                    user_id=juan,
                    purpose=TokenPurpose.PASSWORD_RESET,
                    token_hash=secrets.token_hex(32),
                    email="juan@example.com",
                    used_at=used_at,
                    expires_at=expires_at,
                )
            )
        for status in (JobStatus.DONE, JobStatus.DONE, JobStatus.DEAD):
            db.add(Job(kind="mail.account", status=status, finished_at=now - LONG_AGO))
        for occurred_at in (now - LONG_AGO, now - LONG_AGO, now):
            db.add(AuditEvent(event_type="test.event", occurred_at=occurred_at, details={}))


async def count(state: AppState, model: Any, *where: Any) -> int:
    async with state.sessionmaker() as db:
        return int(await db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_runs_delete_bounded_batches_and_log_them(
    accounts: Accounts, state: AppState, caplog: pytest.LogCaptureFixture
) -> None:
    await seed(accounts, state)
    sessions, tokens = await count(state, AuthSession), await count(state, AccountToken)
    one_at_a_time = Housekeeping(
        state.sessionmaker, state.settings.model_copy(update={"housekeeping_batch_size": 1})
    )
    with caplog.at_level(logging.INFO, logger="aurum.jobs.housekeeping"):
        first = await one_at_a_time.run()
    assert first == {"sessions": 1, "account_tokens": 1, "authorization_codes": 0, "jobs": 1}
    assert "1 sessions, 1 account_tokens, 0 authorization_codes, 1 jobs" in caplog.text
    second = await Housekeeping(state.sessionmaker, state.settings).run()
    assert second == {"sessions": 1, "account_tokens": 1, "authorization_codes": 0, "jobs": 1}
    assert await count(state, AuthSession) == sessions - 2
    assert await count(state, AccountToken) == tokens - 2
    assert await count(state, AccountToken, AccountToken.used_at.is_(None)) >= 1  # live link
    # Dead jobs wait for an operator; audit events are kept unless a retention is set.
    assert await count(state, Job, Job.status == JobStatus.DEAD) == 1
    assert await count(state, AuditEvent, AuditEvent.event_type == "test.event") == 3


async def test_audit_events_go_after_their_retention_when_one_is_set(
    accounts: Accounts, state: AppState
) -> None:
    await seed(accounts, state)
    settings = state.settings.model_copy(update={"audit_retention_days": 30})
    deleted = await Housekeeping(state.sessionmaker, settings).run()
    assert deleted["audit_events"] == 2
    assert await count(state, AuditEvent, AuditEvent.event_type == "test.event") == 1


async def test_one_housekeeping_run_is_pending_across_instances(make_app: AppFactory) -> None:
    """Every instance schedules it; one row exists, so one instance runs it at a time."""
    apps = [await make_app(housekeeping_interval_seconds=600) for _ in range(3)]
    state: AppState = apps[0].state.aurum
    for app in apps:
        await app.state.aurum.jobs.drain()

    async def pending() -> list[Job]:
        async with state.sessionmaker() as db:
            return list(await db.scalars(select(Job).where(Job.kind == HOUSEKEEPING)))

    [job] = await pending()
    assert job.status is JobStatus.QUEUED
    assert job.unique_key == HOUSEKEEPING
    assert job.run_at > utcnow() + timedelta(seconds=590)


async def test_a_finished_run_schedules_the_next(make_app: AppFactory) -> None:
    app = await make_app(housekeeping_interval_seconds=1, jobs_poll_seconds=0.1)
    state: AppState = app.state.aurum

    async def runs() -> list[Job]:
        async with state.sessionmaker() as db:
            query = select(Job).where(Job.kind == HOUSEKEEPING).order_by(Job.created_at)
            return list(await db.scalars(query))

    async def three() -> bool:
        return len(await runs()) >= 3

    await wait_for(three)
    finished = [job for job in await runs() if job.status is JobStatus.DONE]
    assert len(finished) >= 2
    assert all(job.unique_key is None for job in finished)
