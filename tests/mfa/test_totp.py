"""TOTP second factor: enrolment, challenged sign-in, replay, recovery codes, removal."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from typing import Any

import pyotp
from sqlalchemy import select, update

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.mfa.totp import MfaSecrets
from aurum.models.account_token import AccountToken, TokenPurpose
from aurum.models.mfa import RecoveryCode, TotpCredential
from tests.conftest import PASSWORD, Accounts

MFA = "/api/v1/users/me/mfa"
TOKEN = "/api/v1/token"
TOKEN_MFA = "/api/v1/token/mfa"


def code(totp: pyotp.TOTP, steps_ahead: int = 0) -> str:
    """The code for the current window, or for one a step ahead (still accepted)."""
    return totp.at(time.time() + steps_ahead * totp.interval)


def wrong_code(totp: pyotp.TOTP) -> str:
    """Six digits that no step near now produces."""
    near = {code(totp, offset) for offset in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(10)) if c not in near)


async def enrol(accounts: Accounts, headers: dict[str, str]) -> tuple[pyotp.TOTP, list[str]]:
    start = await accounts.client.post(f"{MFA}/totp", json={"password": PASSWORD}, headers=headers)
    assert start.status_code == 200, start.text
    totp = pyotp.parse_uri(start.json()["otpauth_uri"])
    assert isinstance(totp, pyotp.TOTP)
    confirm = await accounts.client.post(
        f"{MFA}/totp/confirm", json={"code": code(totp)}, headers=headers
    )
    assert confirm.status_code == 200, confirm.text
    recovery: list[str] = confirm.json()["recovery_codes"]
    return totp, recovery


async def challenge(accounts: Accounts, username: str = "juan") -> str:
    response = await accounts.client.post(TOKEN, data={"username": username, "password": PASSWORD})
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    assert data["mfa_required"] is True
    assert not {"access_token", "refresh_token"} & data.keys()
    token: str = data["mfa_token"]
    return token


async def test_enrolment_gives_a_provisioning_uri_and_encrypts_the_secret(
    accounts: Accounts, state: AppState
) -> None:
    headers = await accounts.user("juan")
    wrong = await accounts.client.post(f"{MFA}/totp", json={"password": "nope"}, headers=headers)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "wrong_password"

    start = await accounts.client.post(f"{MFA}/totp", json={"password": PASSWORD}, headers=headers)
    assert start.status_code == 200
    uri = start.json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/Aurum:juan%40example.com?")
    assert "issuer=Aurum" in uri
    secret = start.json()["secret"]
    assert pyotp.parse_uri(uri).secret == secret
    async with state.sessionmaker() as db:
        stored = await db.scalar(select(TotpCredential.secret))
    assert stored is not None
    assert secret.encode() not in stored
    secrets = MfaSecrets(state.settings.secret_key.get_secret_value())
    assert secrets.decrypt(stored) == secret
    # Not on until a code confirms it: signing in still gives tokens.
    assert "access_token" in await accounts.login("juan")


async def test_confirming_turns_it_on_with_ten_hashed_recovery_codes(
    accounts: Accounts, state: AppState
) -> None:
    headers = await accounts.user("juan")
    start = await accounts.client.post(f"{MFA}/totp", json={"password": PASSWORD}, headers=headers)
    totp = pyotp.parse_uri(start.json()["otpauth_uri"])
    assert isinstance(totp, pyotp.TOTP)
    bad = await accounts.client.post(
        f"{MFA}/totp/confirm", json={"code": wrong_code(totp)}, headers=headers
    )
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_mfa_code"
    confirm = await accounts.client.post(
        f"{MFA}/totp/confirm", json={"code": code(totp)}, headers=headers
    )
    assert confirm.status_code == 200
    recovery = confirm.json()["recovery_codes"]
    assert len(recovery) == len(set(recovery)) == 10
    async with state.sessionmaker() as db:
        stored = set(await db.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    plain = {c.replace("-", "") for c in recovery}
    assert not stored & (plain | set(recovery))
    assert not stored & {hashlib.sha256(c.encode()).hexdigest() for c in plain}  # keyed

    status = await accounts.client.get(MFA, headers=headers)
    assert status.json() == {"totp_enabled": True, "recovery_codes_remaining": 10}
    again = await accounts.client.post(f"{MFA}/totp", json={"password": PASSWORD}, headers=headers)
    assert again.status_code == 409
    assert again.json()["error"] == "mfa_already_enabled"


async def test_confirm_without_enrolment_is_a_conflict(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.post(
        f"{MFA}/totp/confirm", json={"code": "123456"}, headers=headers
    )
    assert response.status_code == 409
    assert response.json()["error"] == "mfa_enrollment_not_started"


async def test_sign_in_needs_the_code_and_a_replayed_code_is_refused(accounts: Accounts) -> None:
    totp, _ = await enrol(accounts, await accounts.user("juan"))
    mfa_token = await challenge(accounts)
    next_code = code(totp, 1)
    tokens = await accounts.client.post(TOKEN_MFA, json={"mfa_token": mfa_token, "code": next_code})
    assert tokens.status_code == 200
    access = tokens.json()["access_token"]
    me = await accounts.client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {access}"}
    )
    assert me.json()["username"] == "juan"

    # The same code in a new challenge: a replay.
    replay = await accounts.client.post(
        TOKEN_MFA, json={"mfa_token": await challenge(accounts), "code": next_code}
    )
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_mfa_code"
    # The challenge is single use.
    reused = await accounts.client.post(TOKEN_MFA, data={"mfa_token": mfa_token, "code": "1"})
    assert reused.status_code == 401
    assert reused.json()["error"] == "invalid_mfa_token"


async def test_recovery_codes_work_once_each(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    _, recovery = await enrol(accounts, headers)
    first = await accounts.client.post(
        TOKEN_MFA, json={"mfa_token": await challenge(accounts), "code": recovery[0].upper()}
    )
    assert first.status_code == 200
    again = await accounts.client.post(
        TOKEN_MFA, json={"mfa_token": await challenge(accounts), "code": recovery[0]}
    )
    assert again.status_code == 400
    status = await accounts.client.get(MFA, headers=headers)
    assert status.json()["recovery_codes_remaining"] == 9


async def test_a_challenge_takes_five_wrong_codes_then_is_spent(accounts: Accounts) -> None:
    totp, _ = await enrol(accounts, await accounts.user("juan"))
    mfa_token = await challenge(accounts)
    right = code(totp, 1)
    wrong = wrong_code(totp)
    for _ in range(5):
        response = await accounts.client.post(
            TOKEN_MFA, json={"mfa_token": mfa_token, "code": wrong}
        )
        assert response.status_code == 400
    spent = await accounts.client.post(TOKEN_MFA, json={"mfa_token": mfa_token, "code": right})
    assert spent.status_code == 401
    assert spent.json()["error"] == "invalid_mfa_token"


async def test_an_expired_challenge_is_refused(accounts: Accounts, state: AppState) -> None:
    totp, _ = await enrol(accounts, await accounts.user("juan"))
    mfa_token = await challenge(accounts)
    async with state.sessionmaker.begin() as db:
        await db.execute(
            update(AccountToken)
            .where(AccountToken.purpose == TokenPurpose.MFA_LOGIN)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    response = await accounts.client.post(
        TOKEN_MFA, json={"mfa_token": mfa_token, "code": code(totp, 1)}
    )
    assert response.status_code == 401


async def test_turning_it_off_needs_password_and_code(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    totp, _ = await enrol(accounts, headers)
    fresh = code(totp, 1)
    wrong_password = await accounts.client.request(
        "DELETE", f"{MFA}/totp", json={"password": "nope", "code": fresh}, headers=headers
    )
    assert wrong_password.status_code == 400
    assert wrong_password.json()["error"] == "wrong_password"
    missing_code = await accounts.client.request(
        "DELETE", f"{MFA}/totp", json={"password": PASSWORD}, headers=headers
    )
    assert missing_code.status_code == 422
    wrong_code = await accounts.client.request(
        "DELETE", f"{MFA}/totp", json={"password": PASSWORD, "code": "abcdef"}, headers=headers
    )
    assert wrong_code.status_code == 400
    assert wrong_code.json()["error"] == "invalid_mfa_code"

    off = await accounts.client.request(
        "DELETE", f"{MFA}/totp", json={"password": PASSWORD, "code": fresh}, headers=headers
    )
    assert off.status_code == 204
    assert "access_token" in await accounts.login("juan")
    status = await accounts.client.get(MFA, headers=headers)
    assert status.json() == {"totp_enabled": False, "recovery_codes_remaining": 0}
    again = await accounts.client.request(
        "DELETE", f"{MFA}/totp", json={"password": PASSWORD, "code": fresh}, headers=headers
    )
    assert again.status_code == 409
    assert again.json()["error"] == "mfa_not_enabled"


async def test_new_recovery_codes_replace_the_old_ones(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    _, old = await enrol(accounts, headers)
    response = await accounts.client.post(
        f"{MFA}/recovery-codes", json={"password": PASSWORD, "code": old[0]}, headers=headers
    )
    assert response.status_code == 200
    new = response.json()["recovery_codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    stale = await accounts.client.post(
        TOKEN_MFA, json={"mfa_token": await challenge(accounts), "code": old[1]}
    )
    assert stale.status_code == 400
    fresh = await accounts.client.post(
        TOKEN_MFA, json={"mfa_token": await challenge(accounts), "code": new[0]}
    )
    assert fresh.status_code == 200


async def test_odd_input_is_a_clear_4xx(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    await enrol(accounts, headers)
    mfa_token = await challenge(accounts)
    for odd in ["", "x" * 65, "١٢٣٤٥٦", " 12 34 56 ", "-----", "\x00"]:
        response = await accounts.client.post(TOKEN_MFA, json={"mfa_token": mfa_token, "code": odd})
        assert response.status_code in {400, 401, 422}, (odd, response.text)
    for body in [{}, {"mfa_token": "nope", "code": "123456"}, {"mfa_token": "x" * 600}]:
        response = await accounts.client.post(TOKEN_MFA, json=body)
        assert response.status_code in {401, 422}
    unauthenticated = await accounts.client.post(f"{MFA}/totp", json={"password": PASSWORD})
    assert unauthenticated.status_code == 401
