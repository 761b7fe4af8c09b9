"""The audit log: what is recorded, that it keeps no secrets, and the admin listing."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from aurum.app_state import AppState
from tests.conftest import PASSWORD, Accounts

EVENTS = "/api/v1/audit-events"
NEW_PASSWORD = "a brand new secret"
UA = {"User-Agent": "audit-test/1.0"}


async def events(accounts: Accounts, admin: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = await accounts.client.get(EVENTS, params=params, headers=admin)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def make_cursor(moment: str, event_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([moment, event_id]).encode()).decode()


def of_type(items: list[dict[str, Any]], event_type: str) -> list[dict[str, Any]]:
    return [item for item in items if item["event_type"] == event_type]


async def test_sign_ins_are_recorded_with_address_and_agent(accounts: Accounts) -> None:
    admin = await accounts.admin()
    juan = await accounts.register("juan")
    await accounts.client.post(
        "/api/v1/token", data={"username": "juan", "password": PASSWORD}, headers=UA
    )
    for username in ("juan", "nobody"):
        response = await accounts.client.post(
            "/api/v1/token", data={"username": username, "password": "wrong"}, headers=UA
        )
        assert response.status_code == 401

    items = await events(accounts, admin, subject_id=juan["id"])
    succeeded = of_type(items, "sign_in.succeeded")[0]
    assert succeeded["actor_id"] == succeeded["subject_id"] == juan["id"]
    assert succeeded["ip_address"] == "203.0.113.7"
    assert succeeded["user_agent"] == "audit-test/1.0"
    assert "session_id" in succeeded["details"]
    # A failed sign-in is kept although the request failed (its transaction is committed).
    failed = of_type(items, "sign_in.failed")[0]
    assert failed["actor_id"] is None
    assert failed["details"] == {"reason": "wrong_password"}

    unknown = of_type(await events(accounts, admin, event_type="sign_in.failed"), "sign_in.failed")
    assert {"reason": "unknown_account"} in [item["details"] for item in unknown]
    assert all(item["subject_id"] in {None, juan["id"]} for item in unknown)


async def test_account_changes_are_recorded(accounts: Accounts) -> None:
    admin = await accounts.admin()
    root_id = (await accounts.client.get("/api/v1/users/me", headers=admin)).json()["id"]
    headers = await accounts.user("juan")
    juan_id = (await accounts.client.get("/api/v1/users/me", headers=headers)).json()["id"]
    change = await accounts.client.post(
        "/api/v1/users/me/change-password",
        json={"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert change.status_code == 204
    patch = await accounts.client.patch(
        "/api/v1/users/juan", json={"role": "admin", "full_name": "Juan"}, headers=admin
    )
    assert patch.status_code == 200
    disable = await accounts.client.patch(
        "/api/v1/users/juan", json={"disabled": True}, headers=admin
    )
    assert disable.status_code == 200
    assert (await accounts.client.delete("/api/v1/users/juan", headers=admin)).status_code == 204

    items = await events(accounts, admin, subject_id=juan_id)
    kinds = [item["event_type"] for item in reversed(items)]  # oldest first
    assert kinds == [
        "user.registered",
        "sign_in.succeeded",
        "password.changed",
        "user.role_changed",
        "user.updated",
        "user.disabled",
        "user.deleted",
    ]
    by_type = {item["event_type"]: item for item in items}
    assert by_type["password.changed"]["actor_id"] == juan_id
    assert by_type["user.role_changed"]["details"] == {"from": "user", "to": "admin"}
    assert by_type["user.updated"]["details"] == {"fields": "full_name"}
    for kind in ("user.role_changed", "user.disabled", "user.deleted"):
        assert by_type[kind]["actor_id"] == root_id
    assert by_type["user.deleted"]["details"] == {"username": "juan"}


async def test_sessions_ending_are_recorded(accounts: Accounts) -> None:
    admin = await accounts.admin()
    juan = await accounts.register("juan")
    tokens = await accounts.login("juan")
    rotated = await accounts.client.post(
        "/api/v1/refresh-token", json={"refresh_token": tokens["refresh_token"]}
    )
    assert rotated.status_code == 200
    reuse = await accounts.client.post(
        "/api/v1/refresh-token", json={"refresh_token": tokens["refresh_token"]}
    )
    assert reuse.status_code == 401
    other = await accounts.login("juan")
    logout = await accounts.client.post(
        "/api/v1/logout", headers={"Authorization": f"Bearer {other['access_token']}"}
    )
    assert logout.status_code == 204

    items = await events(accounts, admin, subject_id=juan["id"])
    reused = of_type(items, "refresh_token.reused")
    revoked = of_type(items, "session.revoked")
    assert len(reused) == 1
    assert reused[0]["actor_id"] is None
    assert len(revoked) == 1
    assert revoked[0]["details"]["reason"] == "logout"
    assert revoked[0]["details"]["session_id"] != reused[0]["details"]["session_id"]


async def test_the_log_never_holds_secrets(accounts: Accounts, state: AppState) -> None:
    admin = await accounts.admin()
    headers = await accounts.user("juan")
    tokens = await accounts.login("juan")
    await accounts.client.post(
        "/api/v1/token", data={"username": "juan", "password": "my wrong guess"}
    )
    await accounts.client.post(
        "/api/v1/users/me/change-password",
        json={"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=headers,
    )
    await accounts.client.post("/api/v1/refresh-token", json=tokens)
    async with state.sessionmaker() as db:
        rows = (await db.execute(text("SELECT * FROM audit_events"))).mappings().all()
    dump = json.dumps([dict(row) for row in rows], default=str)
    assert len(rows) >= 6
    for secret in (PASSWORD, NEW_PASSWORD, "my wrong guess", *tokens.values(), *admin.values()):
        assert str(secret) not in dump
    assert "$argon2" not in dump


async def test_rows_cannot_be_changed(accounts: Accounts, state: AppState) -> None:
    await accounts.register("juan")
    async with state.sessionmaker() as db:
        with pytest.raises(DBAPIError, match="append-only"):
            await db.execute(text("UPDATE audit_events SET event_type = 'nothing'"))
        await db.rollback()


async def test_filters_and_keyset_pages(accounts: Accounts) -> None:
    admin = await accounts.admin()
    before = datetime.now(UTC)
    for name in ("ana", "luis", "marta"):
        await accounts.register(name)
    everything = await events(accounts, admin, event_type="user.registered", since=before)
    assert len(everything) == 3
    moments = [item["occurred_at"] for item in everything]
    assert moments == sorted(moments, reverse=True)  # newest first

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"event_type": "user.registered", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await accounts.client.get(EVENTS, params=params, headers=admin)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [item["id"] for item in everything]

    types = await events(accounts, admin, event_type=["user.registered", "user.created"], limit=100)
    assert {item["event_type"] for item in types} == {"user.registered", "user.created"}
    later = datetime.now(UTC) + timedelta(seconds=1)
    assert await events(accounts, admin, since=later.isoformat()) == []
    earlier = await events(accounts, admin, until=before.isoformat())
    assert {item["event_type"] for item in earlier} == {"user.created", "sign_in.succeeded"}
    naive = before.replace(tzinfo=None).isoformat()  # read as UTC
    assert len(await events(accounts, admin, event_type="user.registered", since=naive)) == 3


async def test_actor_filter(accounts: Accounts) -> None:
    admin = await accounts.admin()
    root_id = (await accounts.client.get("/api/v1/users/me", headers=admin)).json()["id"]
    await accounts.register("juan")
    response = await accounts.client.post(
        "/api/v1/users",
        json={"username": "ana", "email": "ana@example.com", "password": PASSWORD},
        headers=admin,
    )
    assert response.status_code == 201
    items = await events(accounts, admin, actor_id=root_id)
    assert {item["event_type"] for item in items} == {"user.created", "sign_in.succeeded"}
    assert all(item["actor_id"] == root_id for item in items)


async def test_only_admins_read_the_log(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    assert (await accounts.client.get(EVENTS, headers=headers)).status_code == 403
    anonymous = await accounts.client.get(EVENTS)
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"cursor": "WyJ4IiwgInkiXQ"}, "invalid_cursor"),  # ["x", "y"]
        ({"actor_id": "juan"}, "validation_error"),
        ({"since": "yesterday"}, "validation_error"),
        ({"until": "9999-12-31T23:59:59-23:59"}, "validation_error"),
        ({"since": "0001-01-01T00:00:00+01:00"}, "validation_error"),
        ({"cursor": make_cursor("9999-12-31T23:59:59-23:59", uuid.uuid4().hex)}, "invalid_cursor"),
        ({"cursor": make_cursor("2026-01-01T00:00:00", uuid.uuid4().hex)}, "invalid_cursor"),
        ({"cursor": make_cursor("2026-01-01T00:00:00+00:00", "zz")}, "invalid_cursor"),
        ({"limit": "0"}, "validation_error"),
        ({"limit": "101"}, "validation_error"),
        ({"actor": "juan"}, "validation_error"),
        ({"event_type": "x" * 65}, "validation_error"),
    ],
)
async def test_bad_queries_are_422(accounts: Accounts, params: dict[str, str], code: str) -> None:
    admin = await accounts.admin()
    response = await accounts.client.get(EVENTS, params=params, headers=admin)
    assert response.status_code == 422
    assert response.json()["error"] == code
