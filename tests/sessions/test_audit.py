"""Ending sessions from the sessions endpoints is recorded once, with who did it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.audit.test_audit_log import events, of_type
from tests.conftest import Accounts
from tests.oauth.support import OAuthClients, bearer
from tests.sessions.test_sessions import JUANS, MINE, sign_in


async def revocations(accounts: Accounts, admin: dict[str, str], user_id: str) -> list[Any]:
    items = await events(accounts, admin, subject_id=user_id, event_type="session.revoked")
    return list(reversed(items))  # oldest first


async def test_own_revocations_are_recorded(accounts: Accounts, client: httpx.AsyncClient) -> None:
    admin = await accounts.admin()
    juan = await accounts.register("juan")
    for agent in ("A", "B", "C"):
        await sign_in(client, agent)
    me = bearer((await sign_in(client, "D"))["access_token"])

    unknown = await client.delete(f"{MINE}/{uuid.uuid4()}", headers=me)  # a 404 records nothing
    assert unknown.status_code == 404
    listed = (await client.get(MINE, headers=me)).json()["items"]
    by_agent = {item["user_agent"]: item["id"] for item in listed}
    assert (await client.delete(f"{MINE}/{by_agent['A']}", headers=me)).status_code == 204
    assert (await client.post(f"{MINE}/revoke-others", headers=me)).status_code == 204
    # Nothing left to end but this one: no event for ending nothing.
    assert (await client.post(f"{MINE}/revoke-others", headers=me)).status_code == 204
    assert (await client.delete(MINE, headers=me)).status_code == 204

    items = await revocations(accounts, admin, juan["id"])
    assert [item["details"] for item in items] == [
        {"session_id": by_agent["A"], "reason": "revoked_by_user"},
        {"reason": "revoked_others", "count": 2},
        {"reason": "logout_everywhere", "count": 1},
    ]
    assert all(item["actor_id"] == juan["id"] for item in items)
    assert all(item["ip_address"] == "203.0.113.7" for item in items)


async def test_admin_and_service_revocations_name_who_did_it(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    admin = await accounts.admin()
    root_id = (await client.get("/api/v1/users/me", headers=admin)).json()["id"]
    juan = await accounts.register("juan")
    for agent in ("A", "B"):
        await sign_in(client, agent)
    listed = (await client.get(JUANS, headers=admin)).json()["items"]
    one = listed[0]["id"]
    assert (await client.delete(f"{JUANS}/{one}", headers=admin)).status_code == 204
    assert (await client.delete(JUANS, headers=admin)).status_code == 204
    await sign_in(client, "C")
    fraud = await clients.register("fraud", scopes=["sessions:write"])
    fraud_token = await clients.service_token(fraud)
    assert (await client.delete(JUANS, headers=bearer(fraud_token))).status_code == 204

    items = await revocations(accounts, admin, juan["id"])
    assert [(item["actor_id"], item["details"]) for item in items] == [
        (root_id, {"session_id": one, "reason": "revoked_by_admin"}),
        (root_id, {"reason": "revoked_by_admin", "count": 1}),
        (None, {"reason": "revoked_by_admin", "count": 1, "client_id": fraud["client_id"]}),
    ]
    # Logging out is recorded once, as before.
    tokens = await sign_in(client, "D")
    assert (
        await client.post("/api/v1/logout", headers=bearer(tokens["access_token"]))
    ).status_code == 204
    after = await revocations(accounts, admin, juan["id"])
    assert len(of_type(after, "session.revoked")) == len(items) + 1
    assert after[-1]["details"]["reason"] == "logout"
