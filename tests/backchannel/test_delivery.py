"""Posting logout tokens to a real HTTP receiver: what counts as delivered, what is
retried, what is given up on, and a receiver that is down at first."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
import pytest

from aurum.app_state import AppState
from aurum.backchannel.delivery import Outcome, outcome_of, post_logout_token
from aurum.backchannel.logout_tokens import LogoutTokens
from aurum.backchannel.notice import LogoutNotice
from aurum.backchannel.queue import LogoutQueue
from tests.backchannel.receiver import (
    Receiver,
    free_port,
    receiver_up,
    serving,
    verified_logout_token,
)


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


async def test_a_redirect_is_not_followed() -> None:
    async with receiver_up() as receiver, httpx.AsyncClient() as http:
        moved = receiver.url.replace("/backchannel-logout", "/moved")
        outcome, why = await post_logout_token(http, moved, "a-token")
    assert (outcome, why) == (Outcome.RETRY, "HTTP 307")
    assert receiver.redirected == 0


def queue_of(state: AppState, http: httpx.AsyncClient, attempts: int = 4) -> LogoutQueue:
    tokens = LogoutTokens(
        state.keys, issuer=state.settings.issuer, algorithm="RS256", ttl=timedelta(seconds=60)
    )
    return LogoutQueue(http, tokens, max_attempts=attempts, retry_base=0.05, concurrency=2)


def notice_to(receiver: Receiver) -> LogoutNotice:
    return LogoutNotice("notas", receiver.url, uuid.uuid4(), uuid.uuid4())


async def test_failures_are_retried_and_refusals_are_not(
    state: AppState, client: httpx.AsyncClient
) -> None:
    async with receiver_up() as receiver, httpx.AsyncClient(timeout=2) as http:
        queue = queue_of(state, http)
        receiver.planned = [503, 429, 200]
        queue.submit([notice_to(receiver)])
        await queue.drain()
        assert len(receiver.tokens) == 3
        assert (queue.delivered, queue.failed) == (1, 0)
        # Each attempt signs a fresh token, every one of them valid.
        claims = [await verified_logout_token(client, t, "notas") for t in receiver.tokens]
        assert len({c["jti"] for c in claims}) == 3

        receiver.tokens.clear()
        receiver.planned = [400]
        queue.submit([notice_to(receiver)])
        await queue.drain()
        assert len(receiver.tokens) == 1
        assert (queue.delivered, queue.failed) == (1, 1)

        receiver.tokens.clear()
        receiver.planned = [500] * 10
        queue.submit([notice_to(receiver)])
        await queue.drain()
        assert len(receiver.tokens) == 4  # max_attempts, then given up
        assert queue.failed == 2


async def test_a_receiver_down_at_first_gets_it_once_up(
    state: AppState, client: httpx.AsyncClient
) -> None:
    receiver = Receiver(free_port())
    async with httpx.AsyncClient(timeout=2) as http:
        queue = queue_of(state, http, attempts=8)
        queue.submit([notice_to(receiver)])
        await asyncio.sleep(0.2)  # the first attempts find nothing listening
        assert queue.delivered == 0
        async with serving(receiver):
            await queue.drain()
    assert queue.delivered == 1
    [token] = receiver.tokens
    await verified_logout_token(client, token, "notas")
