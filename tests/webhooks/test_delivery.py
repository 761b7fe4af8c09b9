"""Delivery through the job runner, to a real receiver that checks every signature with
the Standard Webhooks library: retried, dead, in order per endpoint, delivered once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from standardwebhooks import Webhook, WebhookVerificationError

from aurum.app_state import AppState
from aurum.webhooks.delivery import Outcome, classify
from tests.conftest import Accounts, AppFactory
from tests.webhooks.conftest import WEBHOOKS, Webhooks
from tests.webhooks.receiver import Receiver, running_receiver

FAST = {"webhook_retry_base_seconds": 0.05, "jobs_poll_seconds": 0.2}


class Service:
    """An app with its own settings, the client that calls it, and its runner."""

    def __init__(self, client: httpx.AsyncClient, state: AppState) -> None:
        self.client = client
        self.state = state
        self.accounts = Accounts(client, state)
        self.webhooks = Webhooks(client, self.accounts)

    async def award(self, username: str, times: int = 1) -> None:
        admin = await self.webhooks.admin()
        for _ in range(times):
            response = await self.client.post(
                f"/api/v1/users/{username}/xp",
                json={"amount": 5, "reason": "a lesson"},
                headers=admin,
            )
            assert response.status_code == 201, response.text

    async def oldest_first(self, webhook_id: str) -> list[dict[str, Any]]:
        return list(reversed(await self.webhooks.messages(webhook_id, limit=100)))

    async def log(self, webhook_id: str, message_id: str) -> list[tuple[int | None, str]]:
        detail = await self.webhooks.message(webhook_id, message_id)
        return [(attempt["status_code"], attempt["outcome"]) for attempt in detail["log"]]

    async def job_statuses(self) -> Counter[str]:
        async with self.state.sessionmaker() as db:
            rows = await db.execute(text("SELECT status FROM jobs WHERE kind = 'webhook.delivery'"))
            return Counter(str(status) for (status,) in rows)


Start = Callable[..., AbstractAsyncContextManager[Service]]


@pytest.fixture
def start(make_app: AppFactory) -> Start:
    @asynccontextmanager
    async def started(**settings: Any) -> AsyncIterator[Service]:
        app = await make_app(**(FAST | settings))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Service(client, app.state.aurum)

    return started


async def test_a_delivery_is_signed_and_logged(start: Start, receiver: Receiver) -> None:
    async with start() as service:
        endpoint = await service.webhooks.register(receiver.url, ["xp.awarded"])
        await service.accounts.register("ana")
        await service.award("ana")
        await service.state.jobs.drain()

        [message] = await service.oldest_first(endpoint["id"])
        [request] = receiver.received
        assert request.headers["webhook-id"] == message["id"]
        assert request.headers["content-type"] == "application/json"
        [body] = receiver.verified(endpoint["secret"])
        assert (body["type"], body["data"]["amount"]) == ("xp.awarded", 5)
        with pytest.raises(WebhookVerificationError):
            Webhook("whsec_" + "A" * 43).verify(request.body, request.headers)
        assert message["status"] == "delivered"
        assert await service.log(endpoint["id"], message["id"]) == [(204, "delivered")]
        assert await service.job_statuses() == {"done": 1}


async def test_a_server_error_is_retried_then_delivered_once(
    start: Start, receiver: Receiver
) -> None:
    async with start() as service:
        endpoint = await service.webhooks.register(receiver.url, ["xp.awarded"])
        receiver.answer(500, 200)
        await service.accounts.register("ana")
        await service.award("ana")
        await service.state.jobs.drain()

        [message] = await service.oldest_first(endpoint["id"])
        assert receiver.ids() == [message["id"], message["id"]]  # the same webhook-id
        assert len(receiver.verified(endpoint["secret"])) == 2
        log = await service.log(endpoint["id"], message["id"])
        assert log == [(500, "retry"), (200, "delivered")]
        assert await service.job_statuses() == {"done": 1}


async def test_a_client_error_is_dead_without_a_retry(start: Start, receiver: Receiver) -> None:
    async with start() as service:
        endpoint = await service.webhooks.register(receiver.url, ["xp.awarded"])
        receiver.answer(400)
        await service.accounts.register("ana")
        await service.award("ana")
        await service.state.jobs.drain()

        [message] = await service.oldest_first(endpoint["id"])
        assert len(receiver.received) == 1
        assert message["status"] == "dead"
        assert await service.log(endpoint["id"], message["id"]) == [(400, "dead")]
        assert await service.job_statuses() == {"dead": 1}


async def test_the_last_attempt_is_final(start: Start, receiver: Receiver) -> None:
    async with start(webhook_max_attempts=3) as service:
        endpoint = await service.webhooks.register(receiver.url, ["xp.awarded"])
        receiver.default = 503
        await service.accounts.register("ana")
        await service.award("ana")
        await service.state.jobs.drain()

        [message] = await service.oldest_first(endpoint["id"])
        assert message["status"] == "dead"
        log = await service.log(endpoint["id"], message["id"])
        assert log == [(503, "retry"), (503, "retry"), (503, "dead")]
        assert await service.job_statuses() == {"dead": 1}


def test_which_answers_are_retried() -> None:
    assert classify(200) is classify(299) is Outcome.DELIVERED
    assert classify(400) is classify(404) is classify(410) is Outcome.DEAD
    for status in (301, 302, 408, 429, 500, 502, 503):
        assert classify(status) is Outcome.RETRY, status


async def test_a_backlog_goes_out_in_order_once_the_receiver_is_back(start: Start) -> None:
    """The receiver is down for a minute while events keep coming; once it is back, each
    endpoint gets every message, in the order they were made, none twice."""
    with running_receiver() as first_run:
        port = int(first_run.url.rsplit(":", 1)[1].split("/")[0])
        url = first_run.url
    async with start(webhook_max_attempts=50, webhook_retry_max_seconds=2) as service:
        endpoint = await service.webhooks.register(url, ["xp.awarded"])
        other = await service.webhooks.register(url, ["xp.awarded"])
        await service.accounts.register("ana")
        for _ in range(6):  # the receiver is down: an award every 10 s for a minute
            await service.award("ana")
            await asyncio.sleep(10)
        made = [m["id"] for m in await service.oldest_first(endpoint["id"])]
        assert len(made) == 6
        with running_receiver(port) as receiver:  # back up
            await service.state.jobs.drain(within=60)
        delivered = [m for m in receiver.ids() if m in made]
        assert delivered == made  # in order, none twice
        assert len(receiver.ids()) == 12  # the other endpoint's six too
        for message_id in made:
            log = await service.log(endpoint["id"], message_id)
            assert [outcome for _, outcome in log].count("delivered") == 1
        first_log = (await service.webhooks.message(endpoint["id"], made[0]))["log"]
        assert first_log[0]["status_code"] is None  # refused while down
        assert first_log[0]["error"] == "ConnectError"
        assert len(first_log) >= 10  # retried all through the minute, at most 2 s apart
        assert {m["status"] for m in await service.oldest_first(other["id"])} == {"delivered"}


async def test_messages_go_out_in_order_per_endpoint(start: Start, receiver: Receiver) -> None:
    async with start() as service:
        endpoint = await service.webhooks.register(receiver.url, ["xp.awarded"])
        receiver.answer(503, 204, 400)
        await service.accounts.register("ana")
        await service.award("ana", times=4)
        await service.state.jobs.drain()

        made = [m["id"] for m in await service.oldest_first(endpoint["id"])]
        first, second, third, fourth = made
        assert receiver.ids() == [first, first, second, third, fourth]
        statuses = [m["status"] for m in await service.oldest_first(endpoint["id"])]
        assert statuses == ["delivered", "dead", "delivered", "delivered"]


async def test_during_a_rotation_both_secrets_sign(start: Start, receiver: Receiver) -> None:
    async with start() as service:
        endpoint = await service.webhooks.register(receiver.url, ["xp.awarded"])
        admin = await service.webhooks.admin()
        rotated = await service.client.post(f"{WEBHOOKS}/{endpoint['id']}/secret", headers=admin)
        await service.accounts.register("ana")
        await service.award("ana")
        await service.state.jobs.drain()

        assert len(receiver.received[0].headers["webhook-signature"].split(" ")) == 2
        assert receiver.verified(endpoint["secret"]) == receiver.verified(rotated.json()["secret"])


async def test_without_a_grace_period_only_the_new_secret_signs(
    start: Start, receiver: Receiver
) -> None:
    async with start(webhook_secret_grace_hours=0) as service:
        endpoint = await service.webhooks.register(receiver.url, ["xp.awarded"])
        admin = await service.webhooks.admin()
        response = await service.client.post(f"{WEBHOOKS}/{endpoint['id']}/secret", headers=admin)
        rotated = response.json()
        assert rotated["previous_secret_expires_at"] is None
        await service.accounts.register("ana")
        await service.award("ana")
        await service.state.jobs.drain()

        receiver.verified(rotated["secret"])
        with pytest.raises(WebhookVerificationError):
            receiver.verified(endpoint["secret"])


async def test_redelivery_sends_the_same_message_again(start: Start, receiver: Receiver) -> None:
    async with start() as service:
        endpoint = await service.webhooks.register(receiver.url, ["xp.awarded"])
        admin = await service.webhooks.admin()
        receiver.answer(410)
        await service.accounts.register("ana")
        await service.award("ana")
        await service.state.jobs.drain()
        [message] = await service.oldest_first(endpoint["id"])
        assert message["status"] == "dead"

        redeliver = f"{WEBHOOKS}/{endpoint['id']}/messages/{message['id']}/redeliver"
        response = await service.client.post(redeliver, headers=admin)
        assert response.status_code == 202
        await service.state.jobs.drain()
        assert receiver.ids() == [message["id"], message["id"]]
        log = await service.log(endpoint["id"], message["id"])
        assert log == [(410, "dead"), (204, "delivered")]
        missing = f"{WEBHOOKS}/{endpoint['id']}/messages/msg_x/redeliver"
        response = await service.client.post(missing, headers=admin)
        assert (response.status_code, response.json()["error"]) == (
            404,
            "webhook_message_not_found",
        )


async def test_a_pending_message_cannot_be_redelivered(start: Start, receiver: Receiver) -> None:
    async with start(webhook_retry_base_seconds=60) as service:
        endpoint = await service.webhooks.register(receiver.url, ["xp.awarded"])
        receiver.default = 503
        await service.accounts.register("ana")
        await service.award("ana")
        await receiver.wait_for(1)
        [message] = await service.oldest_first(endpoint["id"])
        admin = await service.webhooks.admin()
        redeliver = f"{WEBHOOKS}/{endpoint['id']}/messages/{message['id']}/redeliver"
        response = await service.client.post(redeliver, headers=admin)
        assert (response.status_code, response.json()["error"]) == (409, "webhook_message_pending")


async def test_a_disabled_endpoint_gets_nothing_more(start: Start, receiver: Receiver) -> None:
    async with start(webhook_retry_base_seconds=1) as service:
        endpoint = await service.webhooks.register(receiver.url, ["xp.awarded"])
        receiver.answer(503)
        await service.accounts.register("ana")
        await service.award("ana")
        await receiver.wait_for(1)
        admin = await service.webhooks.admin()
        url = f"{WEBHOOKS}/{endpoint['id']}"
        await service.client.patch(url, json={"enabled": False}, headers=admin)
        await service.state.jobs.drain()

        [message] = await service.oldest_first(endpoint["id"])
        assert len(receiver.received) == 1
        detail = await service.webhooks.message(endpoint["id"], message["id"])
        outcomes = [(a["outcome"], a["error"]) for a in detail["log"]]
        assert outcomes == [("retry", "HTTP 503"), ("dead", "endpoint disabled")]
