"""What the token service leaves in the audit log: revocations and client administration."""

from __future__ import annotations

import json

from sqlalchemy import text

from aurum.app_state import AppState
from tests.audit.test_audit_log import events, of_type
from tests.conftest import PASSWORD, Accounts
from tests.oauth.support import CLIENTS, OAuthClients


async def test_revocation_by_a_client_is_recorded_once(
    accounts: Accounts, clients: OAuthClients
) -> None:
    web = await clients.first_party()
    juan = await accounts.register("juan")
    tokens = await clients.password_grant(web, "juan", PASSWORD)
    for _ in range(2):  # the second time the session has already ended
        assert (await clients.revoke(web, tokens["refresh_token"])).status_code == 200
    service = await clients.register("billing")
    service_token = await clients.service_token(service)
    for _ in range(2):
        assert (await clients.revoke(service, service_token)).status_code == 200

    admin = await clients.admin()
    [revoked] = await events(accounts, admin, event_type="session.revoked")
    assert revoked["subject_id"] == juan["id"]
    assert revoked["actor_id"] is None  # a client did it, named in the details
    assert revoked["details"]["reason"] == "revoked_by_client"
    assert revoked["details"]["client_id"] == web["client_id"]
    [stopped] = await events(accounts, admin, event_type="service_token.revoked")
    assert stopped["subject_id"] is None
    assert stopped["details"]["client_id"] == service["client_id"]
    assert set(stopped["details"]) == {"client_id", "jti"}


async def test_client_administration_is_recorded_without_secrets(
    accounts: Accounts, clients: OAuthClients, state: AppState
) -> None:
    admin = await clients.admin()
    root_id = (await clients.http.get("/api/v1/users/me", headers=admin)).json()["id"]
    created = await clients.register("billing", scopes=["xp:write"])
    url = f"{CLIENTS}/{created['client_id']}"
    renamed = await clients.http.patch(url, json={"name": "billing-v2"}, headers=admin)
    assert renamed.status_code == 200
    unchanged = await clients.http.patch(url, json={"name": "billing-v2"}, headers=admin)
    assert unchanged.status_code == 200
    disabled = await clients.http.patch(url, json={"disabled": True}, headers=admin)
    assert disabled.status_code == 200
    rotated = await clients.http.post(f"{url}/secret", headers=admin)
    assert rotated.status_code == 200
    assert (await clients.http.delete(url, headers=admin)).status_code == 204

    items = list(reversed(await events(accounts, admin, actor_id=root_id)))
    ours = [item for item in items if item["event_type"].startswith("oauth_client.")]
    assert [item["event_type"] for item in ours] == [
        "oauth_client.created",
        "oauth_client.updated",
        "oauth_client.updated",
        "oauth_client.secret_rotated",
        "oauth_client.deleted",
    ]
    assert all(item["details"]["client_id"] == created["client_id"] for item in ours)
    assert ours[0]["details"] == {
        "client_id": created["client_id"],
        "name": "billing",
        "grant_types": "client_credentials",
        "scopes": "xp:write",
        "first_party": False,
        "disabled": False,
    }
    assert ours[1]["details"]["fields"] == "name"
    assert ours[2]["details"]["fields"] == "disabled"
    assert ours[4]["details"]["name"] == "billing-v2"
    assert not of_type(items, "oauth_client.created")[0]["subject_id"]

    async with state.sessionmaker() as db:
        rows = (await db.execute(text("SELECT * FROM audit_events"))).mappings().all()
    dump = json.dumps([dict(row) for row in rows], default=str)
    for secret in (created["client_secret"], rotated.json()["client_secret"]):
        assert secret not in dump
