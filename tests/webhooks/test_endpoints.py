"""Admins register, list, change, rotate and delete webhook endpoints."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import text

from tests.conftest import Accounts
from tests.webhooks.conftest import WEBHOOKS, Webhooks


async def test_register_shows_the_secret_once(
    webhooks: Webhooks, client: httpx.AsyncClient
) -> None:
    created = await webhooks.register(
        "https://hooks.example.com/aurum",
        ["xp.awarded", "user.created", "user.created"],
        description="simulations",
    )
    assert created["url"] == "https://hooks.example.com/aurum"
    assert created["event_types"] == ["user.created", "xp.awarded"]
    assert created["enabled"] is True
    assert created["description"] == "simulations"
    assert created["secret"].startswith("whsec_")

    admin = await webhooks.admin()
    listed = (await client.get(WEBHOOKS, headers=admin)).json()
    one = (await client.get(f"{WEBHOOKS}/{created['id']}", headers=admin)).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert listed["next_cursor"] is None
    for body in (listed["items"][0], one):
        assert "secret" not in body
        assert created["secret"] not in str(body)


async def test_the_secret_is_stored_encrypted(webhooks: Webhooks, accounts: Accounts) -> None:
    created = await webhooks.register("https://hooks.example.com/a")
    async with accounts.state.sessionmaker() as db:
        stored = (
            await db.execute(text("SELECT secret_encrypted FROM webhook_endpoints"))
        ).scalar_one()
    raw = created["secret"].removeprefix("whsec_")
    assert raw not in stored
    assert created["secret"] not in stored


async def test_list_pages_with_a_cursor(webhooks: Webhooks, client: httpx.AsyncClient) -> None:
    made = [(await webhooks.register(f"https://h{n}.example.com/"))["id"] for n in range(5)]
    admin = await webhooks.admin()
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(WEBHOOKS, params=params, headers=admin)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    bad = await client.get(WEBHOOKS, params={"cursor": "garbage"}, headers=admin)
    assert (bad.status_code, bad.json()["error"]) == (422, "invalid_cursor")


async def test_update_changes_only_the_fields_sent(
    webhooks: Webhooks, client: httpx.AsyncClient
) -> None:
    created = await webhooks.register("https://hooks.example.com/", ["user.created"])
    admin = await webhooks.admin()
    response = await client.patch(
        f"{WEBHOOKS}/{created['id']}",
        json={"enabled": False, "event_types": ["session.revoked"]},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["enabled"], body["event_types"], body["url"]) == (
        False,
        ["session.revoked"],
        "https://hooks.example.com/",
    )


async def test_rotation_keeps_the_old_secret_for_the_grace_period(
    webhooks: Webhooks, client: httpx.AsyncClient
) -> None:
    created = await webhooks.register("https://hooks.example.com/")
    admin = await webhooks.admin()
    assert created["previous_secret_expires_at"] is None
    response = await client.post(f"{WEBHOOKS}/{created['id']}/secret", headers=admin)
    assert response.status_code == 200
    rotated = response.json()
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != created["secret"]
    assert rotated["previous_secret_expires_at"] is not None
    one = (await client.get(f"{WEBHOOKS}/{created['id']}", headers=admin)).json()
    assert one["previous_secret_expires_at"] == rotated["previous_secret_expires_at"]


async def test_delete(webhooks: Webhooks, client: httpx.AsyncClient) -> None:
    created = await webhooks.register("https://hooks.example.com/")
    admin = await webhooks.admin()
    url = f"{WEBHOOKS}/{created['id']}"
    assert (await client.delete(url, headers=admin)).status_code == 204
    missing = await client.get(url, headers=admin)
    assert (missing.status_code, missing.json()["error"]) == (404, "webhook_not_found")
    assert (await client.delete(url, headers=admin)).status_code == 404
    assert (await client.post(f"{url}/secret", headers=admin)).status_code == 404


async def test_bad_input_is_refused(webhooks: Webhooks, client: httpx.AsyncClient) -> None:
    admin = await webhooks.admin()
    for body in (
        {"url": "ftp://hooks.example.com/", "event_types": ["user.created"]},
        {"url": "not a url", "event_types": ["user.created"]},
        {"url": "https://hooks.example.com/", "event_types": []},
        {"url": "https://hooks.example.com/", "event_types": ["user.exploded"]},
        {"url": "https://hooks.example.com/", "event_types": ["user.created"], "secret": "x"},
        {"url": "https://hooks.example.com/" + "a" * 2048, "event_types": ["user.created"]},
    ):
        response = await client.post(WEBHOOKS, json=body, headers=admin)
        assert response.status_code == 422, body
        assert response.json()["error"] == "validation_error"
    assert (await client.get(f"{WEBHOOKS}/not-a-uuid", headers=admin)).status_code == 422
    unknown = await client.get(f"{WEBHOOKS}/{uuid.uuid4()}/messages", headers=admin)
    assert unknown.status_code == 404


async def test_only_admins_manage_webhooks(accounts: Accounts, client: httpx.AsyncClient) -> None:
    user = await accounts.user("juan")
    body = {"url": "https://hooks.example.com/", "event_types": ["user.created"]}
    assert (await client.post(WEBHOOKS, json=body)).status_code == 401
    assert (await client.post(WEBHOOKS, json=body, headers=user)).status_code == 403
    assert (await client.get(WEBHOOKS, headers=user)).status_code == 403


async def test_changes_are_audited_without_the_secret(
    webhooks: Webhooks, client: httpx.AsyncClient
) -> None:
    created = await webhooks.register("https://hooks.example.com/")
    admin = await webhooks.admin()
    rotated = (await client.post(f"{WEBHOOKS}/{created['id']}/secret", headers=admin)).json()
    await client.delete(f"{WEBHOOKS}/{created['id']}", headers=admin)
    events = (
        await client.get("/api/v1/audit-events", params={"limit": 100}, headers=admin)
    ).json()["items"]
    types = [event["event_type"] for event in events]
    assert {"webhook.created", "webhook.secret_rotated", "webhook.deleted"} <= set(types)
    assert created["secret"] not in str(events)
    assert rotated["secret"] not in str(events)
