"""One delivery attempt against a real receiver: signed per Standard Webhooks, logged,
classified (delivered, retried, dead), in order per endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from aurum.app_state import AppState
from aurum.webhooks.delivery import Outcome, WebhookDelivery, build_webhook_client, classify
from aurum.webhooks.signing import SecretBox
from tests.conftest import Accounts, AppFactory
from tests.webhooks.conftest import WEBHOOKS, Webhooks
from tests.webhooks.receiver import Receiver, running_receiver


@pytest.fixture
def queued() -> list[str]:
    """The messages a final attempt queued again (parked ones whose turn came)."""
    return []


@pytest.fixture
async def delivery(state: AppState, queued: list[str]) -> AsyncIterator[WebhookDelivery]:
    settings = state.settings
    async with build_webhook_client(settings) as http:
        yield WebhookDelivery(
            state.sessionmaker,
            http,
            SecretBox(settings.secret_key.get_secret_value()),
            settings.webhook_timeout_seconds,
            lambda _, message_id: queued.append(message_id),
        )


async def xp_award(client: httpx.AsyncClient, admin: dict[str, str], username: str) -> None:
    award = {"amount": 5, "reason": "a lesson"}
    response = await client.post(f"/api/v1/users/{username}/xp", json=award, headers=admin)
    assert response.status_code == 201, response.text


async def pending_ids(webhooks: Webhooks, webhook_id: str) -> list[str]:
    """Oldest first."""
    return [m["id"] for m in reversed(await webhooks.messages(webhook_id, status="pending"))]


async def test_a_delivery_is_signed_and_logged(
    accounts: Accounts,
    webhooks: Webhooks,
    receiver: Receiver,
    delivery: WebhookDelivery,
    client: httpx.AsyncClient,
) -> None:
    endpoint = await webhooks.register(receiver.url, ["xp.awarded"])
    await accounts.register("ana")
    await xp_award(client, await webhooks.admin(), "ana")
    [message_id] = await pending_ids(webhooks, endpoint["id"])

    assert await delivery.attempt(message_id) is Outcome.DELIVERED
    [request] = receiver.received
    assert request.headers["webhook-id"] == message_id
    assert request.headers["content-type"] == "application/json"
    [body] = receiver.verified(endpoint["secret"])
    assert body["type"] == "xp.awarded"
    assert body["data"]["amount"] == 5
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43).verify(request.body, request.headers)

    detail = await webhooks.message(endpoint["id"], message_id)
    assert (detail["status"], detail["attempts"]) == ("delivered", 1)
    assert detail["delivered_at"] is not None
    [attempt] = detail["log"]
    assert (attempt["status_code"], attempt["outcome"], attempt["error"]) == (
        204,
        "delivered",
        None,
    )
    assert attempt["duration_ms"] >= 0
    assert await delivery.attempt(message_id) is Outcome.SKIPPED  # delivered once
    assert len(receiver.received) == 1


async def test_a_server_error_is_retried_then_delivered_once(
    accounts: Accounts,
    webhooks: Webhooks,
    receiver: Receiver,
    delivery: WebhookDelivery,
    client: httpx.AsyncClient,
) -> None:
    endpoint = await webhooks.register(receiver.url, ["xp.awarded"])
    await accounts.register("ana")
    await xp_award(client, await webhooks.admin(), "ana")
    [message_id] = await pending_ids(webhooks, endpoint["id"])
    receiver.answer(500, 200)

    assert await delivery.attempt(message_id) is Outcome.RETRY
    assert await delivery.attempt(message_id) is Outcome.DELIVERED
    assert await delivery.attempt(message_id) is Outcome.SKIPPED
    assert receiver.ids() == [message_id, message_id]  # the same webhook-id each time
    log = (await webhooks.message(endpoint["id"], message_id))["log"]
    assert [(a["status_code"], a["outcome"]) for a in log] == [(500, "retry"), (200, "delivered")]
    assert log[0]["error"] == "HTTP 500"


async def test_a_client_error_is_dead_at_once(
    accounts: Accounts,
    webhooks: Webhooks,
    receiver: Receiver,
    delivery: WebhookDelivery,
    client: httpx.AsyncClient,
) -> None:
    endpoint = await webhooks.register(receiver.url, ["xp.awarded"])
    await accounts.register("ana")
    await xp_award(client, await webhooks.admin(), "ana")
    [message_id] = await pending_ids(webhooks, endpoint["id"])
    receiver.answer(400)

    assert await delivery.attempt(message_id) is Outcome.DEAD
    assert await delivery.attempt(message_id) is Outcome.SKIPPED  # no retry
    assert len(receiver.received) == 1
    detail = await webhooks.message(endpoint["id"], message_id)
    assert (detail["status"], [a["outcome"] for a in detail["log"]]) == ("dead", ["dead"])
    dead = await webhooks.messages(endpoint["id"], status="dead")
    assert [m["id"] for m in dead] == [message_id]


def test_which_answers_are_retried() -> None:
    assert classify(200) is classify(299) is Outcome.DELIVERED
    assert classify(400) is classify(404) is classify(410) is Outcome.DEAD
    for status in (301, 302, 408, 429, 500, 502, 503):
        assert classify(status) is Outcome.RETRY, status


async def test_no_answer_and_redirects_are_retried(
    accounts: Accounts,
    webhooks: Webhooks,
    receiver: Receiver,
    delivery: WebhookDelivery,
    client: httpx.AsyncClient,
) -> None:
    with running_receiver() as gone:
        down_url = gone.url
    down = await webhooks.register(down_url, ["xp.awarded"])
    redirected = await webhooks.register(receiver.url, ["xp.awarded"])
    receiver.answer(302)
    await accounts.register("ana")
    await xp_award(client, await webhooks.admin(), "ana")

    [refused] = await pending_ids(webhooks, down["id"])
    assert await delivery.attempt(refused) is Outcome.RETRY
    [attempt] = (await webhooks.message(down["id"], refused))["log"]
    assert (attempt["status_code"], attempt["outcome"]) == (None, "retry")
    assert attempt["error"] == "ConnectError"

    [moved] = await pending_ids(webhooks, redirected["id"])
    assert await delivery.attempt(moved) is Outcome.RETRY
    assert len(receiver.received) == 1  # the redirect was not followed


async def test_messages_go_out_in_order_per_endpoint(
    accounts: Accounts,
    webhooks: Webhooks,
    receiver: Receiver,
    delivery: WebhookDelivery,
    client: httpx.AsyncClient,
    queued: list[str],
) -> None:
    endpoint = await webhooks.register(receiver.url, ["xp.awarded"])
    await accounts.register("ana")
    admin = await webhooks.admin()
    for _ in range(4):
        await xp_award(client, admin, "ana")
    first, second, third, fourth = await pending_ids(webhooks, endpoint["id"])
    receiver.answer(503, 204, 400)

    assert await delivery.attempt(first) is Outcome.RETRY
    assert await delivery.attempt(third) is Outcome.WAITING  # parked: not sent, not logged
    assert await delivery.attempt(second) is Outcome.WAITING
    assert (await webhooks.message(endpoint["id"], third))["log"] == []
    assert queued == []
    assert await delivery.attempt(first) is Outcome.DELIVERED
    assert queued == [second]  # its turn came
    assert await delivery.attempt(second) is Outcome.DEAD  # a final answer too
    assert queued == [second, third]
    assert await delivery.attempt(third) is Outcome.DELIVERED
    assert queued == [second, third]  # the fourth was never parked: its own job sends it
    assert await delivery.attempt(fourth) is Outcome.DELIVERED
    assert receiver.ids() == [first, first, second, third, fourth]


async def test_the_last_try_is_final(
    accounts: Accounts,
    webhooks: Webhooks,
    receiver: Receiver,
    delivery: WebhookDelivery,
    client: httpx.AsyncClient,
) -> None:
    endpoint = await webhooks.register(receiver.url, ["xp.awarded"])
    await accounts.register("ana")
    await xp_award(client, await webhooks.admin(), "ana")
    [message_id] = await pending_ids(webhooks, endpoint["id"])
    receiver.answer(500)

    assert await delivery.attempt(message_id, last=True) is Outcome.DEAD
    [attempt] = (await webhooks.message(endpoint["id"], message_id))["log"]
    assert (attempt["status_code"], attempt["outcome"]) == (500, "dead")
    assert attempt["error"] == "HTTP 500; no attempts left"


async def test_during_a_rotation_both_secrets_sign(
    accounts: Accounts,
    webhooks: Webhooks,
    receiver: Receiver,
    delivery: WebhookDelivery,
    client: httpx.AsyncClient,
) -> None:
    endpoint = await webhooks.register(receiver.url, ["xp.awarded"])
    admin = await webhooks.admin()
    rotated = await client.post(f"{WEBHOOKS}/{endpoint['id']}/secret", headers=admin)
    await accounts.register("ana")
    await xp_award(client, admin, "ana")
    [message_id] = await pending_ids(webhooks, endpoint["id"])

    assert await delivery.attempt(message_id) is Outcome.DELIVERED
    assert len(receiver.received[0].headers["webhook-signature"].split(" ")) == 2
    assert receiver.verified(endpoint["secret"]) == receiver.verified(rotated.json()["secret"])


async def test_without_a_grace_period_only_the_new_secret_signs(
    make_app_with_no_grace: tuple[httpx.AsyncClient, Webhooks, WebhookDelivery],
    receiver: Receiver,
) -> None:
    client, webhooks, delivery = make_app_with_no_grace
    endpoint = await webhooks.register(receiver.url, ["xp.awarded"])
    admin = await webhooks.admin()
    rotated = (await client.post(f"{WEBHOOKS}/{endpoint['id']}/secret", headers=admin)).json()
    assert rotated["previous_secret_expires_at"] is None
    await webhooks.accounts.register("ana")
    await xp_award(client, admin, "ana")
    [message_id] = await pending_ids(webhooks, endpoint["id"])

    assert await delivery.attempt(message_id) is Outcome.DELIVERED
    receiver.verified(rotated["secret"])
    with pytest.raises(WebhookVerificationError):
        receiver.verified(endpoint["secret"])


async def test_redelivery_sends_the_same_message_again(
    accounts: Accounts,
    webhooks: Webhooks,
    receiver: Receiver,
    delivery: WebhookDelivery,
    client: httpx.AsyncClient,
) -> None:
    endpoint = await webhooks.register(receiver.url, ["xp.awarded"])
    admin = await webhooks.admin()
    await accounts.register("ana")
    await xp_award(client, admin, "ana")
    [message_id] = await pending_ids(webhooks, endpoint["id"])
    redeliver = f"{WEBHOOKS}/{endpoint['id']}/messages/{message_id}/redeliver"
    pending = await client.post(redeliver, headers=admin)
    assert (pending.status_code, pending.json()["error"]) == (409, "webhook_message_pending")

    receiver.answer(410)
    assert await delivery.attempt(message_id) is Outcome.DEAD
    response = await client.post(redeliver, headers=admin)
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert await delivery.attempt(message_id) is Outcome.DELIVERED
    assert receiver.ids() == [message_id, message_id]
    missing = await client.post(
        f"{WEBHOOKS}/{endpoint['id']}/messages/msg_x/redeliver", headers=admin
    )
    assert (missing.status_code, missing.json()["error"]) == (404, "webhook_message_not_found")


async def test_a_disabled_endpoint_gets_nothing(
    accounts: Accounts,
    webhooks: Webhooks,
    receiver: Receiver,
    delivery: WebhookDelivery,
    client: httpx.AsyncClient,
) -> None:
    endpoint = await webhooks.register(receiver.url, ["xp.awarded"])
    admin = await webhooks.admin()
    await accounts.register("ana")
    await xp_award(client, admin, "ana")
    [message_id] = await pending_ids(webhooks, endpoint["id"])
    await client.patch(f"{WEBHOOKS}/{endpoint['id']}", json={"enabled": False}, headers=admin)

    assert await delivery.attempt(message_id) is Outcome.DEAD
    assert receiver.received == []
    [attempt] = (await webhooks.message(endpoint["id"], message_id))["log"]
    assert (attempt["outcome"], attempt["error"]) == ("dead", "endpoint disabled")


@pytest.fixture
async def make_app_with_no_grace(
    make_app: AppFactory,
) -> AsyncIterator[tuple[httpx.AsyncClient, Webhooks, WebhookDelivery]]:
    app = await make_app(webhook_secret_grace_hours=0)
    state: AppState = app.state.aurum
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
        build_webhook_client(state.settings) as http,
    ):
        box = SecretBox(state.settings.secret_key.get_secret_value())
        delivery = WebhookDelivery(state.sessionmaker, http, box, 5, lambda _, __: None)
        yield client, Webhooks(client, Accounts(client, state)), delivery
