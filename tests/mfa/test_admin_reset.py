"""An administrator turns off a user's second factor (a lost phone)."""

from __future__ import annotations

from aurum.app_state import AppState
from tests.audit.test_audit_log import events, of_type
from tests.conftest import PASSWORD, Accounts
from tests.mail_server import Inbox, body_of
from tests.mfa.test_totp import MFA, TOKEN_MFA, challenge, code, enrol

RESET = "/api/v1/users/juan/mfa"
ME = "/api/v1/users/me"


async def test_an_admin_turns_it_off_and_ends_every_session(
    mail_accounts: Accounts, inbox: Inbox, mail_state: AppState
) -> None:
    client = mail_accounts.client
    headers = await mail_accounts.user("juan")
    await inbox.next()  # the verification link
    totp, _ = await enrol(mail_accounts, headers)
    signed_in = await client.post(
        TOKEN_MFA, json={"mfa_token": await challenge(mail_accounts), "code": code(totp, 1)}
    )
    assert signed_in.status_code == 200
    admin = await mail_accounts.admin()
    root_id = (await client.get(ME, headers=admin)).json()["id"]

    response = await client.delete(RESET, headers=admin)
    assert response.status_code == 204
    # Every session ends: the enrolment's and the two-step sign-in's.
    assert (await client.get(ME, headers=headers)).status_code == 401
    refresh = await client.post(
        "/api/v1/refresh-token", json={"refresh_token": signed_in.json()["refresh_token"]}
    )
    assert refresh.status_code == 401
    # The password alone signs in now; the old recovery codes are gone.
    tokens = await mail_accounts.login("juan")
    assert "access_token" in tokens
    fresh = {"Authorization": f"Bearer {tokens['access_token']}"}
    status = await client.get(MFA, headers=fresh)
    assert status.json() == {"totp_enabled": False, "recovery_codes_remaining": 0}

    # The user is told by email.
    notice = await inbox.next()
    assert notice["To"] == "juan@example.com"
    assert "two-step verification" in body_of(notice)
    assert "token=" not in body_of(notice)

    juan_id = (await client.get(ME, headers=fresh)).json()["id"]
    items = await events(mail_accounts, admin, subject_id=juan_id)
    [disabled] = of_type(items, "mfa.disabled")
    assert disabled["actor_id"] == root_id
    assert disabled["details"] == {"reason": "admin_reset"}
    # Ending the sessions is part of the reset, not a separate event.
    assert not of_type(items, "session.revoked")


async def test_only_admins_reset_and_only_what_is_on(accounts: Accounts) -> None:
    client = accounts.client
    juan = await accounts.user("juan")
    maria = await accounts.user("maria")
    admin = await accounts.admin()

    assert (await client.delete(RESET)).status_code == 401
    assert (await client.delete(RESET, headers=juan)).status_code == 403
    assert (await client.delete(RESET, headers=maria)).status_code == 403
    missing = await client.delete("/api/v1/users/nadie/mfa", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["error"] == "user_not_found"
    off = await client.delete(RESET, headers=admin)
    assert off.status_code == 409
    assert off.json()["error"] == "mfa_not_enabled"

    await enrol(accounts, juan)
    assert (await client.delete(RESET, headers=maria)).status_code == 403
    challenged = await client.post("/api/v1/token", data={"username": "juan", "password": PASSWORD})
    assert challenged.json()["mfa_required"] is True
    assert (await client.delete(RESET, headers=admin)).status_code == 204
