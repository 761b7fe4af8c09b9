"""Limits on password reset, email verification, the second factor and the OAuth endpoints."""

from __future__ import annotations

from typing import Any

import httpx
import pyotp
import time_machine
from fastapi import FastAPI

from aurum.app_state import AppState
from tests.conftest import PASSWORD, Accounts, AppFactory
from tests.error_bodies import text_without_request_id
from tests.mfa.test_totp import code, enrol, wrong_code
from tests.oauth.support import INTROSPECT, REVOKE, TOKEN, OAuthClients
from tests.rate_limits.conftest import LIMITED, client_at, register, sign_in
from tests.rate_limits.test_login_throttle import throttled
from tests.rate_limits.test_request_limits import rate_limited

API = "/api/v1"
RESET = f"{API}/password-reset"
VERIFY = f"{API}/email-verification"
TOKEN_MFA = f"{API}/token/mfa"
MFA = f"{API}/users/me/mfa"
ATTACKER = "192.0.2.66"
HOME = "198.51.100.20"
OFFICE = "198.51.100.99"  # where the admin works from
WRONG = "not the password"


def state_of(app: FastAPI) -> AppState:
    state: AppState = app.state.aurum
    return state


async def test_reset_requests_per_address(
    make_app: AppFactory, clock: time_machine.TimeMachineFixture
) -> None:
    app = await make_app(**LIMITED, rate_limits={"password_reset.ip": "2/minute"})
    async with client_at(app, ATTACKER) as client, client_at(app, HOME) as other:
        for n in range(2):  # different addresses typed: it is the client's address
            response = await client.post(f"{RESET}/request", json={"email": f"x{n}@example.com"})
            assert response.status_code == 202
        assert rate_limited(await client.post(f"{RESET}/request", json={"email": "y@x.com"})) == 60
        assert (await other.post(f"{RESET}/request", json={"email": "y@x.com"})).status_code == 202
        clock.shift(60.01)
        assert (await client.post(f"{RESET}/request", json={"email": "y@x.com"})).status_code == 202


async def answers_per_email(app: FastAPI, path: str, email: str) -> list[httpx.Response]:
    """Three requests for one address, each from its own client address."""
    responses = []
    for n in range(3):
        async with client_at(app, f"192.0.2.{n + 10}") as client:
            typed = email.upper() if n == 1 else email  # any case counts alike
            responses.append(await client.post(path, json={"email": typed}))
    return responses


async def test_requests_per_email_answer_alike_for_real_and_missing_accounts(
    make_app: AppFactory,
) -> None:
    app = await make_app(
        **LIMITED,
        rate_limits={"password_reset.account": "2/hour", "email_verification.account": "2/hour"},
    )
    async with client_at(app, OFFICE) as client:
        await register(client, "juan")  # its address is still unconfirmed
    for path in (f"{RESET}/request", f"{VERIFY}/request"):
        real = await answers_per_email(app, path, "juan@example.com")
        missing = await answers_per_email(app, path, "nadie@example.com")
        for answers in (real, missing):
            assert [r.status_code for r in answers] == [202, 202, 429], path
            assert rate_limited(answers[2]) == 3600
        for one, other in zip(real, missing, strict=True):
            assert text_without_request_id(one) == text_without_request_id(other)
            assert one.headers.get("retry-after") == other.headers.get("retry-after")
        # Another address is counted on its own.
        async with client_at(app, "192.0.2.99") as client:
            response = await client.post(path, json={"email": "ana@example.com"})
        assert response.status_code == 202


async def test_confirmations_per_address(make_app: AppFactory) -> None:
    app = await make_app(
        **LIMITED,
        rate_limits={
            "password_reset_confirm.ip": "2/minute",
            "email_verification_confirm.ip": "2/minute",
        },
    )
    bodies: list[tuple[str, dict[str, Any]]] = [
        (f"{RESET}/confirm", {"token": "guess", "new_password": "a brand new secret"}),
        (f"{VERIFY}/confirm", {"token": "guess"}),
    ]
    for path, body in bodies:
        async with client_at(app, ATTACKER) as client, client_at(app, HOME) as other:
            for _ in range(2):
                assert (await client.post(path, json=body)).status_code == 400
            rate_limited(await client.post(path, json=body))
            assert (await other.post(path, json=body)).status_code == 400


async def enrolled(app: FastAPI, address: str, username: str = "juan") -> pyotp.TOTP:
    """A user with TOTP on, enrolled from `address`."""
    async with client_at(app, address) as client:
        accounts = Accounts(client, state_of(app))
        totp, _ = await enrol(accounts, await accounts.user(username))
    return totp


async def mfa_token(client: httpx.AsyncClient, username: str = "juan") -> str:
    response = await sign_in(client, username, PASSWORD)
    assert response.status_code == 200, response.text
    token: str = response.json()["mfa_token"]
    return token


async def second_step(client: httpx.AsyncClient, token: str, typed: str) -> httpx.Response:
    return await client.post(TOKEN_MFA, json={"mfa_token": token, "code": typed})


async def test_second_step_per_address(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"mfa.ip": "2/minute"})
    async with client_at(app, ATTACKER) as client, client_at(app, HOME) as other:
        for _ in range(2):
            assert (await second_step(client, "made-up", "123456")).status_code == 401
        rate_limited(await second_step(client, "made-up", "123456"))
        assert (await second_step(other, "made-up", "123456")).status_code == 401


async def test_codes_are_bounded_per_account_not_only_per_challenge(
    make_app: AppFactory, clock: time_machine.TimeMachineFixture
) -> None:
    app = await make_app(**LIMITED, rate_limits={"mfa.account": "8/hour"})
    totp = await enrolled(app, HOME)  # confirming the enrolment checked one code
    wrong = wrong_code(totp)
    async with client_at(app, ATTACKER) as attacker, client_at(app, HOME) as home:
        first = await mfa_token(attacker)
        for _ in range(5):  # this challenge is spent after five wrong codes...
            assert (await second_step(attacker, first, wrong)).status_code == 400
        assert (await second_step(attacker, first, wrong)).status_code == 401
        second = await mfa_token(attacker)  # ...but a new one does not start over
        for _ in range(2):
            assert (await second_step(attacker, second, wrong)).status_code == 400
        assert rate_limited(await second_step(attacker, second, code(totp, 1))) == 3600
        # Per account: the owner, elsewhere, waits as well (the attacker had the password).
        rate_limited(await second_step(home, await mfa_token(home), code(totp, 1)))

        clock.shift(3600.01)
        response = await second_step(home, await mfa_token(home), code(totp))
        assert response.status_code == 200, response.text

    async with client_at(app, OFFICE) as client:
        admin = await Accounts(client, state_of(app)).admin()
        events = await client.get(
            f"{API}/audit-events",
            params={"event_type": ["sign_in.mfa_failed", "sign_in.locked"]},
            headers=admin,
        )
    items = events.json()["items"]
    failed = [item for item in items if item["event_type"] == "sign_in.mfa_failed"]
    assert len(failed) == 7
    assert all(item["details"] == {"method": "totp"} for item in failed)
    assert {item["ip_address"] for item in failed} == {ATTACKER}
    locked = [item for item in items if item["event_type"] == "sign_in.locked"]
    assert [item["details"]["scope"] for item in locked] == ["mfa_account"]


async def test_own_second_factor_settings_per_account(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"mfa_settings.account": "2/minute"})
    async with client_at(app, HOME) as home, client_at(app, OFFICE) as office:
        accounts = Accounts(home, state_of(app))
        juan = await accounts.user("juan")
        ana = await accounts.user("ana")
        for _ in range(2):
            wrong = await home.post(f"{MFA}/totp", json={"password": WRONG}, headers=juan)
            assert wrong.status_code == 400
        rate_limited(await home.post(f"{MFA}/totp", json={"password": PASSWORD}, headers=juan))
        # Counted per account, wherever the requests come from; others are not affected.
        rate_limited(await office.post(f"{MFA}/totp", json={"password": PASSWORD}, headers=juan))
        assert (await home.get(MFA, headers=juan)).status_code == 200  # reading is not limited
        start = await home.post(f"{MFA}/totp", json={"password": PASSWORD}, headers=ana)
        assert start.status_code == 200


async def password_grant(
    clients: OAuthClients, client_: dict[str, Any], username: str, password: str
) -> httpx.Response:
    return await clients.http.post(
        TOKEN,
        data={"grant_type": "password", "username": username, "password": password},
        headers=clients.auth(client_),
    )


async def first_party_client(app: FastAPI) -> dict[str, Any]:
    async with client_at(app, OFFICE) as client:
        return await OAuthClients(Accounts(client, state_of(app))).first_party()


async def test_failed_password_grants_are_counted_and_throttled(limited_app: FastAPI) -> None:
    web = await first_party_client(limited_app)
    async with client_at(limited_app, ATTACKER) as attacker, client_at(limited_app, HOME) as home:
        await register(home, "juan")
        through_web = OAuthClients(Accounts(attacker, state_of(limited_app)))
        for _ in range(5):
            response = await password_grant(through_web, web, "juan", WRONG)
            assert response.status_code == 400
            assert response.json()["error"] == "invalid_grant"
        # Throttled by the sign-in failure counters, keyed on the grant's client address...
        throttled(await password_grant(through_web, web, "juan", PASSWORD))
        throttled(await sign_in(attacker, "juan", PASSWORD))  # the same counters as /token
        # ...so the owner, signing in from elsewhere, is not.
        assert (await sign_in(home, "juan", PASSWORD)).status_code == 200
        at_home = OAuthClients(Accounts(home, state_of(limited_app)))
        assert (await password_grant(at_home, web, "juan", PASSWORD)).status_code == 200


async def test_password_grants_count_as_sign_ins_from_the_address(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"login.ip": "3/minute"})
    web = await first_party_client(app)
    async with client_at(app, ATTACKER) as client:
        clients = OAuthClients(Accounts(client, state_of(app)))
        assert (await sign_in(client, "nobody", WRONG)).status_code == 401
        for _ in range(2):
            assert (await password_grant(clients, web, "nobody", WRONG)).status_code == 400
        rate_limited(await password_grant(clients, web, "nobody", WRONG))
        rate_limited(await sign_in(client, "nobody", WRONG))


async def test_oauth_endpoints_per_address(make_app: AppFactory) -> None:
    names = ("oauth_token.ip", "oauth_introspect.ip", "oauth_revoke.ip")
    app = await make_app(**LIMITED, rate_limits=dict.fromkeys(names, "2/minute"))
    async with client_at(app, OFFICE) as office:
        clients = OAuthClients(Accounts(office, state_of(app)))
        service = await clients.register("billing")
    form = {"grant_type": "client_credentials", "token": "x"}
    async with client_at(app, ATTACKER) as client, client_at(app, HOME) as other:
        for path in (TOKEN, INTROSPECT, REVOKE):
            for _ in range(2):
                response = await client.post(path, data=form, headers=clients.auth(service))
                assert response.status_code == 200, (path, response.text)
            rate_limited(await client.post(path, data=form, headers=clients.auth(service)))
            response = await other.post(path, data=form, headers=clients.auth(service))
            assert response.status_code == 200


async def test_rate_limit_enabled_false_turns_every_limit_off(make_app: AppFactory) -> None:
    names = [
        "password_reset.ip",
        "password_reset.account",
        "password_reset_confirm.ip",
        "email_verification.ip",
        "email_verification.account",
        "email_verification_confirm.ip",
        "mfa.ip",
        "mfa.account",
        "mfa_settings.account",
        "login.ip",
        "oauth_token.ip",
        "oauth_introspect.ip",
        "oauth_revoke.ip",
    ]
    app = await make_app(rate_limit_enabled=False, rate_limits=dict.fromkeys(names, "1/hour"))
    web = await first_party_client(app)
    totp = await enrolled(app, HOME)
    async with client_at(app, ATTACKER) as client:
        accounts = Accounts(client, state_of(app))
        clients = OAuthClients(accounts)
        ana = await accounts.user("ana")
        for _ in range(3):
            for path, body in [
                (f"{RESET}/request", {"email": "juan@example.com"}),
                (f"{RESET}/confirm", {"token": "x", "new_password": "a brand new secret"}),
                (f"{VERIFY}/request", {"email": "juan@example.com"}),
                (f"{VERIFY}/confirm", {"token": "x"}),
            ]:
                assert (await client.post(path, json=body)).status_code in {202, 400}
            wrong = wrong_code(totp)
            assert (await second_step(client, await mfa_token(client), wrong)).status_code == 400
            start = await client.post(f"{MFA}/totp", json={"password": WRONG}, headers=ana)
            assert start.status_code == 400
            assert (await password_grant(clients, web, "juan", PASSWORD)).status_code == 400
            for path in (INTROSPECT, REVOKE):
                response = await client.post(path, data={"token": "x"}, headers=clients.auth(web))
                assert response.status_code == 200


async def test_an_admin_reset_gives_back_the_code_checks(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"mfa.account": "3/hour"})
    totp = await enrolled(app, HOME)
    async with client_at(app, ATTACKER) as attacker, client_at(app, OFFICE) as office:
        token = await mfa_token(attacker)
        for _ in range(2):
            assert (await second_step(attacker, token, wrong_code(totp))).status_code == 400
        rate_limited(await second_step(attacker, token, code(totp, 1)))
        admin = await Accounts(office, state_of(app)).admin()
        reset = await office.delete(f"{API}/users/juan/mfa", headers=admin)
        assert reset.status_code == 204
    async with client_at(app, HOME) as home:
        # The owner signs in with the password alone, and can enrol again at once.
        accounts = Accounts(home, state_of(app))
        again, _ = await enrol(accounts, await accounts.headers("juan"))
        assert again.secret != totp.secret
