"""`aurum users list | show | disable | enable`, run as an operator would, against the
test database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from pathlib import Path

from sqlalchemy import select

from aurum.app_state import AppState
from aurum.models.audit_event import AuditEvent
from aurum.models.auth_session import AuthSession
from tests.conftest import PASSWORD, Accounts
from tests.test_cli import aurum

ME = "/api/v1/users/me"


async def operator(
    tmp_path: Path, database_url: str, *args: str
) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        aurum, tmp_path, *args, DATABASE_URL=database_url, AUTO_MIGRATE="false"
    )


async def test_list_pages_and_show_by_id_email_or_username(
    accounts: Accounts, migrated_url: str, tmp_path: Path
) -> None:
    await accounts.admin("root")
    juan = await accounts.register("juan")
    await accounts.register("maria")

    first = await operator(tmp_path, migrated_url, "users", "list", "--limit", "2")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].split() == ["ID", "USERNAME", "EMAIL", "ROLE", "STATUS", "VERIFIED", "CREATED"]
    assert [line.split()[1] for line in lines[1:3]] == ["root", "juan"]
    assert lines[3] == ""
    cursor = lines[4].split("--cursor ")[1]
    rest = await operator(tmp_path, migrated_url, "users", "list", "--cursor", cursor, "--json")
    page = json.loads(rest.stdout)
    assert [user["username"] for user in page["items"]] == ["maria"]
    assert page["next_cursor"] is None

    shown = [
        json.loads((await operator(tmp_path, migrated_url, "users", "show", ref, "--json")).stdout)
        for ref in (juan["id"], "JUAN@example.com", "Juan")
    ]
    assert {user["id"] for user in shown} == {juan["id"]}
    assert shown[0]["email"] == "juan@example.com"
    table = await operator(tmp_path, migrated_url, "users", "show", "juan")
    assert "status:" in table.stdout
    for output in (first.stdout, rest.stdout, table.stdout, json.dumps(shown)):
        assert "argon2" not in output
        assert "password" not in output

    missing = await operator(tmp_path, migrated_url, "users", "show", "nobody")
    assert missing.returncode == 1
    assert missing.stderr == "error: user_not_found: No user with that username.\n"
    bad_cursor = await operator(tmp_path, migrated_url, "users", "list", "--cursor", "x")
    assert bad_cursor.returncode == 1
    assert bad_cursor.stderr.startswith("error: invalid_cursor: ")
    too_many = await operator(tmp_path, migrated_url, "users", "list", "--limit", "101")
    assert too_many.returncode == 2
    assert too_many.stderr.count("\n") == 1


async def test_disable_does_what_the_admin_api_does(
    accounts: Accounts, state: AppState, migrated_url: str, tmp_path: Path
) -> None:
    admin = await accounts.admin("root")
    juan = await accounts.user("juan")
    maria = await accounts.user("maria")
    juan_id = (await accounts.profile("juan"))["id"]
    maria_id = (await accounts.profile("maria"))["id"]

    disabled = await operator(tmp_path, migrated_url, "users", "disable", "juan@example.com")
    assert disabled.returncode == 0, disabled.stderr
    assert disabled.stdout == "Disabled juan; every session of the account has ended.\n"
    by_api = await accounts.client.patch(
        "/api/v1/users/maria", json={"disabled": True}, headers=admin
    )
    assert by_api.status_code == 200

    for headers in (juan, maria):
        assert (await accounts.client.get(ME, headers=headers)).status_code == 401
    for username in ("juan", "maria"):
        login = await accounts.client.post(
            "/api/v1/token", data={"username": username, "password": PASSWORD}
        )
        assert login.status_code == 401
    async with state.sessionmaker() as db:
        sessions = select(AuthSession.revoked_reason).where(
            AuthSession.user_id.in_([uuid.UUID(juan_id), uuid.UUID(maria_id)])
        )
        reasons = set(await db.scalars(sessions))
        events = list(
            await db.scalars(
                select(AuditEvent)
                .where(AuditEvent.event_type.in_(["user.disabled", "user.enabled"]))
                .order_by(AuditEvent.occurred_at)
            )
        )
    assert reasons == {"user_disabled"}
    # The same event as the API's; the operator is no account (as for `create-admin`).
    assert [(e.event_type, str(e.subject_id), e.actor_id) for e in events[:1]] == [
        ("user.disabled", juan_id, None)
    ]
    assert events[1].actor_id is not None

    again = await operator(tmp_path, migrated_url, "users", "disable", "juan")
    assert again.stdout == "juan was already disabled.\n"
    enabled = await operator(tmp_path, migrated_url, "users", "enable", juan_id)
    assert enabled.stdout == "Enabled juan.\n"
    assert (await accounts.login("juan"))["access_token"]
    async with state.sessionmaker() as db:
        count = len(
            list(
                await db.scalars(
                    select(AuditEvent).where(
                        AuditEvent.event_type.in_(["user.disabled", "user.enabled"])
                    )
                )
            )
        )
    assert count == 3  # disabling twice records it once
