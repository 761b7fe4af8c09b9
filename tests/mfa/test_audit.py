"""What the second factor leaves in the audit log: on, off, new codes, two-step sign-ins."""

from __future__ import annotations

import json

from sqlalchemy import text

from aurum.app_state import AppState
from tests.audit.test_audit_log import events, of_type
from tests.conftest import PASSWORD, Accounts
from tests.mfa.test_totp import MFA, TOKEN_MFA, challenge, code, enrol, wrong_code


async def test_enrolment_changes_and_two_step_sign_ins_are_recorded(
    accounts: Accounts, state: AppState
) -> None:
    client = accounts.client
    admin = await accounts.admin()
    juan = await accounts.register("juan")
    headers = await accounts.headers("juan")
    totp, recovery = await enrol(accounts, headers)

    mfa_token = await challenge(accounts)
    wrong = await client.post(TOKEN_MFA, json={"mfa_token": mfa_token, "code": wrong_code(totp)})
    assert wrong.status_code == 400
    bad_recovery = await client.post(TOKEN_MFA, json={"mfa_token": mfa_token, "code": "nope-nope"})
    assert bad_recovery.status_code == 400
    with_totp = await client.post(TOKEN_MFA, json={"mfa_token": mfa_token, "code": code(totp, 1)})
    assert with_totp.status_code == 200
    with_recovery = await client.post(
        TOKEN_MFA, json={"mfa_token": await challenge(accounts), "code": recovery[0]}
    )
    assert with_recovery.status_code == 200

    regenerated = await client.post(
        f"{MFA}/recovery-codes", json={"password": PASSWORD, "code": recovery[1]}, headers=headers
    )
    assert regenerated.status_code == 200
    new_codes = regenerated.json()["recovery_codes"]
    off = await client.request(
        "DELETE", f"{MFA}/totp", json={"password": PASSWORD, "code": new_codes[0]}, headers=headers
    )
    assert off.status_code == 204

    items = await events(accounts, admin, subject_id=juan["id"])
    kinds = [item["event_type"] for item in reversed(items)]  # oldest first
    assert kinds == [
        "user.registered",
        "sign_in.succeeded",
        "mfa.enabled",
        "sign_in.mfa_failed",
        "sign_in.mfa_failed",
        "sign_in.succeeded",
        "sign_in.succeeded",
        "mfa.recovery_codes_regenerated",
        "mfa.disabled",
    ]
    failed = of_type(items, "sign_in.mfa_failed")
    # Kept although the requests failed; no actor: whoever typed them is not known.
    assert [item["details"] for item in reversed(failed)] == [
        {"method": "totp"},
        {"method": "recovery_code"},
    ]
    assert all(item["actor_id"] is None for item in failed)
    succeeded = of_type(items, "sign_in.succeeded")
    assert [item["details"].get("second_factor") for item in reversed(succeeded)] == [
        None,
        "totp",
        "recovery_code",
    ]
    by_type = {item["event_type"]: item for item in items}
    for kind in ("mfa.enabled", "mfa.recovery_codes_regenerated", "mfa.disabled"):
        assert by_type[kind]["actor_id"] == juan["id"]
    assert by_type["mfa.disabled"]["details"] == {"reason": "by_user"}

    async with state.sessionmaker() as db:
        rows = (await db.execute(text("SELECT * FROM audit_events"))).mappings().all()
    dump = json.dumps([dict(row) for row in rows], default=str)
    for secret in (totp.secret, mfa_token, *recovery, *new_codes, PASSWORD):
        assert secret not in dump


async def test_refused_changes_record_nothing(accounts: Accounts) -> None:
    admin = await accounts.admin()
    juan = await accounts.register("juan")
    headers = await accounts.headers("juan")
    totp, _ = await enrol(accounts, headers)
    wrong = await accounts.client.request(
        "DELETE",
        f"{MFA}/totp",
        json={"password": PASSWORD, "code": wrong_code(totp)},
        headers=headers,
    )
    assert wrong.status_code == 400
    items = await events(accounts, admin, subject_id=juan["id"])
    assert not of_type(items, "mfa.disabled")
