"""Each change publishes its event, in its own transaction, to the endpoints that want it;
each event is delivered once, signed, to a real receiver."""

from __future__ import annotations

import json
from collections import Counter

import httpx
import pytest
from fastapi import FastAPI

from aurum.app_state import AppState
from tests.companies.conftest import (
    COMPANIES,
    Mailbox,
    create_company,
    join,
    mail_settings,
    verified_user,
)
from tests.conftest import PASSWORD, Accounts, AppFactory
from tests.mail_server import Inbox
from tests.webhooks.conftest import Webhooks
from tests.webhooks.receiver import Receiver, running_receiver


@pytest.fixture
def mailbox(inbox: Inbox) -> Mailbox:
    return Mailbox(inbox)


@pytest.fixture
async def app(inbox: Inbox, make_app: AppFactory) -> FastAPI:
    """Joining a company takes an emailed invitation: this app sends to the local server."""
    return await make_app(**mail_settings(inbox), webhook_retry_base_seconds=0.05)


async def test_every_event_type_is_delivered_once_to_the_endpoints_that_want_it(
    accounts: Accounts,
    mailbox: Mailbox,
    webhooks: Webhooks,
    client: httpx.AsyncClient,
    receiver: Receiver,
    state: AppState,
) -> None:
    await verified_user(accounts, mailbox, "ana")
    await verified_user(accounts, mailbox, "beto")
    everything = await webhooks.register(receiver.url)
    disabled = await webhooks.register(receiver.url, enabled=False)
    with running_receiver() as xp_receiver:
        xp_only = await webhooks.register(xp_receiver.url, ["xp.awarded"])
        await make_every_change(accounts, mailbox, webhooks, client)
        await state.jobs.drain()
    expected = {
        "user.created": 1,
        "user.updated": 1,
        "user.disabled": 1,
        "user.enabled": 1,
        "user.deleted": 1,
        "company.created": 1,
        "company.member.added": 2,
        "company.member.role_changed": 1,
        "company.member.removed": 1,
        "company.deleted": 1,
        "xp.awarded": 1,
        "session.revoked": 1,
    }
    bodies = receiver.verified(everything["secret"])
    assert Counter(body["type"] for body in bodies) == expected
    assert len(set(receiver.ids())) == len(receiver.ids())  # none twice
    assert [b["type"] for b in xp_receiver.verified(xp_only["secret"])] == ["xp.awarded"]

    messages = await webhooks.messages(everything["id"], limit=100)
    assert Counter(message["event_type"] for message in messages) == expected
    assert {(message["status"], message["attempts"]) for message in messages} == {("delivered", 1)}
    assert await webhooks.messages(disabled["id"]) == []
    payloads = {body["type"]: body for body in bodies}
    carla = payloads["user.deleted"]["data"]["user_id"]
    assert payloads["user.created"]["data"] == {"user_id": carla}
    assert payloads["user.updated"]["data"] == {"user_id": carla, "fields": ["full_name"]}
    company = payloads["company.deleted"]["data"]["company_id"]
    assert payloads["company.created"]["data"]["company_id"] == company
    assert payloads["company.member.role_changed"]["data"]["role"] == "editor"
    assert payloads["company.member.role_changed"]["data"]["previous_role"] == "viewer"
    assert payloads["xp.awarded"]["data"]["amount"] == 25
    assert payloads["session.revoked"]["data"]["reason"]
    for event_type, body in payloads.items():
        assert body["type"] == event_type
        assert body["timestamp"].endswith("Z")
        assert PASSWORD not in json.dumps(body)
        assert not {"password", "token", "secret"} & {key.lower() for key in body["data"]}


async def make_every_change(
    accounts: Accounts, mailbox: Mailbox, webhooks: Webhooks, client: httpx.AsyncClient
) -> None:
    """One change of each kind (two members join: the company's maker and one invited)."""
    admin = await webhooks.admin()
    ana = await accounts.headers("ana")
    beto = await accounts.headers("beto")

    await accounts.register("carla")
    users = "/api/v1/users"
    for change in ({"full_name": "Carla Ruiz"}, {"disabled": True}, {"disabled": False}):
        response = await client.patch(f"{users}/carla", json=change, headers=admin)
        assert response.status_code == 200, response.text
    assert (await client.delete(f"{users}/carla", headers=admin)).status_code == 204

    company = await create_company(client, ana)
    slug = company["slug"]
    await join(accounts, mailbox, ana, beto, slug, "beto", "viewer")
    members = f"{COMPANIES}/{slug}/members"
    changed = await client.patch(f"{members}/beto", json={"role": "editor"}, headers=ana)
    assert changed.status_code == 200, changed.text
    assert (await client.delete(f"{members}/beto", headers=ana)).status_code == 204
    assert (await client.delete(f"{COMPANIES}/{slug}", headers=ana)).status_code == 204

    award = {"amount": 25, "reason": "first simulation"}
    assert (await client.post(f"{users}/ana/xp", json=award, headers=admin)).status_code == 201
    assert (await client.delete(f"{users}/me/sessions", headers=ana)).status_code == 204


async def test_a_change_that_fails_publishes_nothing(
    accounts: Accounts, webhooks: Webhooks, client: httpx.AsyncClient, receiver: Receiver
) -> None:
    """The event is written in the change's transaction: a refused change leaves none."""
    endpoint = await webhooks.register(receiver.url, ["user.updated"])
    await accounts.register("dora")
    await accounts.register("eva")
    admin = await webhooks.admin()
    taken = await client.patch(
        "/api/v1/users/dora", json={"email": "eva@example.com"}, headers=admin
    )
    assert taken.status_code == 409
    assert await webhooks.messages(endpoint["id"]) == []


async def test_sign_up_publishes_user_created_on_every_path(
    accounts: Accounts, webhooks: Webhooks, receiver: Receiver, state: AppState
) -> None:
    """On PostgreSQL a sign-up is one statement unless an endpoint wants `user.created`:
    then it takes the transactional path, so the account and its event commit together."""
    await accounts.register("before")
    endpoint = await webhooks.register(receiver.url, ["user.created"])
    made = await accounts.register("after")
    await state.jobs.drain()
    [body] = receiver.verified(endpoint["secret"])
    assert body["data"] == {"user_id": made["id"]}
