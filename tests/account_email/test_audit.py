"""What password resets, verifications and address changes leave in the audit log."""

from __future__ import annotations

import json

from sqlalchemy import text

from aurum.app_state import AppState
from tests.audit.test_audit_log import events, of_type
from tests.conftest import PASSWORD, Accounts
from tests.mail_server import Inbox, token_of

API = "/api/v1"
NEW_PASSWORD = "a brand new secret"
UA = {"User-Agent": "audit-test/1.0"}


async def test_verification_and_reset_are_recorded_without_secrets(
    mail_accounts: Accounts, inbox: Inbox, mail_state: AppState
) -> None:
    admin = await mail_accounts.admin()
    juan = await mail_accounts.register("juan")
    verification = token_of(await inbox.next())
    for _ in range(2):  # the second use is refused, and records nothing
        await mail_accounts.client.post(
            f"{API}/email-verification/confirm", json={"token": verification}, headers=UA
        )

    for email in ("juan@example.com", "nadie@example.com"):
        response = await mail_accounts.client.post(
            f"{API}/password-reset/request", json={"email": email}, headers=UA
        )
        assert response.status_code == 202
    reset = token_of(await inbox.next())
    await mail_state.jobs.drain()
    confirm = await mail_accounts.client.post(
        f"{API}/password-reset/confirm",
        json={"token": reset, "new_password": NEW_PASSWORD},
        headers=UA,
    )
    assert confirm.status_code == 204

    items = await events(mail_accounts, admin, subject_id=juan["id"])
    kinds = [item["event_type"] for item in reversed(items)]  # oldest first
    assert kinds == [
        "user.registered",
        "email.verified",
        "password_reset.requested",
        "password_reset.completed",
    ]
    for item in items[:3]:
        assert item["ip_address"] == "203.0.113.7"
        assert item["user_agent"] == "audit-test/1.0"
    by_type = {item["event_type"]: item for item in items}
    # Whoever asked for the link is anonymous; using it proves control of the inbox.
    assert by_type["password_reset.requested"]["actor_id"] is None
    assert by_type["password_reset.completed"]["actor_id"] == juan["id"]
    assert by_type["email.verified"]["actor_id"] == juan["id"]
    # A request for an address nobody uses leaves no trace (nor the address typed).
    requested = await events(mail_accounts, admin, event_type="password_reset.requested")
    assert len(requested) == 1

    async with mail_state.sessionmaker() as db:
        rows = (await db.execute(text("SELECT * FROM audit_events"))).mappings().all()
    dump = json.dumps([dict(row) for row in rows], default=str)
    for secret in (verification, reset, NEW_PASSWORD, PASSWORD, "nadie@example.com"):
        assert secret not in dump


async def test_address_changes_are_recorded_with_both_addresses(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    admin = await mail_accounts.admin()
    root_id = (await mail_accounts.client.get(f"{API}/users/me", headers=admin)).json()["id"]
    headers = await mail_accounts.user("juan")
    juan_id = (await mail_accounts.client.get(f"{API}/users/me", headers=headers)).json()["id"]
    own = await mail_accounts.client.patch(
        f"{API}/users/me", json={"email": "Nuevo@Example.com"}, headers=headers
    )
    assert own.status_code == 200
    by_admin = await mail_accounts.client.patch(
        f"{API}/users/juan",
        json={"email": "juan.perez@example.com", "full_name": "Juan Pérez"},
        headers=admin,
    )
    assert by_admin.status_code == 200
    same = await mail_accounts.client.patch(  # no change, no event
        f"{API}/users/me", json={"email": "juan.perez@example.com"}, headers=headers
    )
    assert same.status_code == 200

    items = await events(mail_accounts, admin, subject_id=juan_id)
    changes = of_type(items, "email.changed")
    assert [(item["actor_id"], item["details"]) for item in reversed(changes)] == [
        (juan_id, {"from": "juan@example.com", "to": "nuevo@example.com"}),
        (root_id, {"from": "nuevo@example.com", "to": "juan.perez@example.com"}),
    ]
    # One event per fact: the address is not listed again as a profile field.
    updated = of_type(items, "user.updated")
    assert [item["details"] for item in updated] == [{"fields": "full_name"}]
