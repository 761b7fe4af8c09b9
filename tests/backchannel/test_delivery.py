"""Posting logout tokens to a real HTTP receiver as jobs: what counts as delivered, what is
retried, what goes to the dead state at once, and apps that no longer want to be told."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from aurum.app_state import AppState
from aurum.backchannel.delivery import Outcome, outcome_of, post_logout_token
from aurum.backchannel.jobs import BACKCHANNEL_LOGOUT, LogoutJobs, logout_payload
from aurum.backchannel.notice import LogoutNotice
from aurum.jobs.kinds import JobContext, PermanentFailure, TemporaryFailure
from aurum.models.job import Job, JobStatus
from aurum.models.oauth_client import OAuthClient
from tests.backchannel.receiver import Receiver, verified_logout_token
from tests.conftest import AppFactory
from tests.oauth.code_flow import register_app
from tests.oauth.support import OAuthClients


@pytest.fixture
async def app(make_app: AppFactory) -> FastAPI:
    return await make_app(backchannel_logout_retry_base_seconds=0.05)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (400, Outcome.REFUSED),
        (404, Outcome.REFUSED),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (302, Outcome.RETRY),
    ],
)
def test_what_an_answer_means(status: int, outcome: Outcome) -> None:
    assert outcome_of(status) is outcome


async def test_a_redirect_is_not_followed(receiver: Receiver) -> None:
    async with httpx.AsyncClient() as http:
        moved = receiver.url.replace("/backchannel-logout", "/moved")
        outcome, why = await post_logout_token(http, moved, "a-token")
    assert (outcome, why) == (Outcome.RETRY, "HTTP 307")
    assert receiver.redirected == 0


def job_for(client_id: str, attempt: int = 1) -> JobContext:
    notice = LogoutNotice(client_id, uuid.uuid4(), uuid.uuid4())
    return JobContext(uuid.uuid4(), BACKCHANNEL_LOGOUT, logout_payload(notice), attempt)


async def test_the_handler_says_what_became_of_an_attempt(
    state: AppState, client: httpx.AsyncClient, clients: OAuthClients, receiver: Receiver
) -> None:
    notas = await register_app(clients, backchannel_logout_uri=receiver.url)
    handler = LogoutJobs.build(state.sessionmaker, state.keys, state.settings)
    try:
        receiver.planned = [503, 429, 400, 200]
        with pytest.raises(TemporaryFailure, match="HTTP 503"):
            await handler.run(job_for(notas["client_id"]))
        with pytest.raises(TemporaryFailure, match="HTTP 429"):
            await handler.run(job_for(notas["client_id"], 2))
        with pytest.raises(PermanentFailure, match="HTTP 400"):
            await handler.run(job_for(notas["client_id"], 3))
        await handler.run(job_for(notas["client_id"], 4))
        # Every attempt signs a fresh token, every one of them valid.
        claims = [
            await verified_logout_token(client, t, notas["client_id"]) for t in receiver.tokens
        ]
        assert len({c["jti"] for c in claims}) == 4

        # An app that removed its address, or was disabled, is no longer told.
        await clients.http.patch(
            f"/api/v1/oauth/clients/{notas['client_id']}",
            json={"backchannel_logout_uri": ""},
            headers=await clients.admin(),
        )
        await handler.run(job_for(notas["client_id"]))
        await handler.run(job_for("no-such-client"))
        assert len(receiver.tokens) == 4
    finally:
        await handler.aclose()


async def logout_jobs(state: AppState) -> list[Job]:
    async with state.sessionmaker() as db:
        query = select(Job).where(Job.kind == BACKCHANNEL_LOGOUT).order_by(Job.created_at)
        return list(await db.scalars(query))


async def enqueue(state: AppState, client_id: str) -> None:
    async with state.sessionmaker.begin() as db:
        notice = LogoutNotice(client_id, uuid.uuid4(), uuid.uuid4())
        state.jobs.enqueue(db, BACKCHANNEL_LOGOUT, logout_payload(notice))


async def test_retried_until_delivered_or_dead_at_once_when_refused(
    state: AppState, clients: OAuthClients, receiver: Receiver
) -> None:
    notas = await register_app(clients, backchannel_logout_uri=receiver.url)
    receiver.planned = [503, 408, 200]
    await enqueue(state, notas["client_id"])
    await state.jobs.drain()
    [job] = await logout_jobs(state)
    assert (job.status, job.attempts) == (JobStatus.DONE, 3)
    assert len(receiver.tokens) == 3

    receiver.planned = [410]
    await enqueue(state, notas["client_id"])
    await state.jobs.drain()
    dead = (await logout_jobs(state))[-1]
    assert (dead.status, dead.attempts, dead.last_error) == (JobStatus.DEAD, 1, "HTTP 410")


async def test_gives_up_after_the_last_attempt(
    make_app: AppFactory, clients: OAuthClients, receiver: Receiver
) -> None:
    app = await make_app(
        backchannel_logout_retry_base_seconds=0.05, backchannel_logout_max_attempts=3
    )
    state: AppState = app.state.aurum
    async with state.sessionmaker.begin() as db:
        notas = OAuthClient(
            client_id="notas",
            secret_hash="",
            name="Notas",
            grant_types=["authorization_code"],
            scopes=["openid"],
            backchannel_logout_uri=receiver.url,
        )
        db.add(notas)
    receiver.planned = [500] * 10
    await enqueue(state, "notas")
    await state.jobs.drain()
    [job] = await logout_jobs(state)
    assert (job.status, job.attempts) == (JobStatus.DEAD, 3)
    assert len(receiver.tokens) == 3
