"""The password grant keeps the rules of /token: a second factor, counted failures."""

from __future__ import annotations

from sqlalchemy import func, select

from aurum.app_state import AppState
from aurum.models.auth_session import AuthSession
from tests.audit.test_audit_log import events, of_type
from tests.conftest import PASSWORD, Accounts
from tests.mfa.test_totp import enrol
from tests.oauth.support import TOKEN, OAuthClients
from tests.oauth.test_token_endpoint import assert_oauth_error


async def test_an_account_with_a_second_factor_gets_no_tokens(
    accounts: Accounts, clients: OAuthClients, state: AppState
) -> None:
    web = await clients.first_party()
    headers = await accounts.user("juan")
    await enrol(accounts, headers)
    async with state.sessionmaker() as db:
        before = await db.scalar(select(func.count()).select_from(AuthSession))

    response = await clients.http.post(
        TOKEN,
        data={"grant_type": "password", "username": "juan", "password": PASSWORD},
        headers=clients.auth(web),
    )
    assert_oauth_error(response, 400, "invalid_grant")
    assert "second factor" in response.json()["error_description"]
    assert not {"access_token", "refresh_token", "mfa_token"} & response.json().keys()
    async with state.sessionmaker() as db:
        after = await db.scalar(select(func.count()).select_from(AuthSession))
    assert after == before
    # The email works no better than the username, and /token still offers the challenge.
    by_email = await clients.http.post(
        TOKEN,
        data={"grant_type": "password", "username": "juan@example.com", "password": PASSWORD},
        headers=clients.auth(web),
    )
    assert_oauth_error(by_email, 400, "invalid_grant")
    challenged = await clients.http.post(
        "/api/v1/token", data={"username": "juan", "password": PASSWORD}
    )
    assert challenged.json()["mfa_required"] is True


async def test_a_failed_password_grant_is_recorded_with_the_callers_address(
    accounts: Accounts, clients: OAuthClients
) -> None:
    web = await clients.first_party()
    juan = await accounts.register("juan")
    response = await clients.http.post(
        TOKEN,
        data={"grant_type": "password", "username": "juan", "password": "a wrong guess"},
        headers={**clients.auth(web), "User-Agent": "web-app/3.1"},
    )
    assert_oauth_error(response, 400, "invalid_grant")

    items = await events(accounts, await clients.admin(), subject_id=juan["id"])
    [failed] = of_type(items, "sign_in.failed")
    assert failed["details"] == {"reason": "wrong_password"}
    assert failed["ip_address"] == "203.0.113.7"
    assert failed["user_agent"] == "web-app/3.1"
