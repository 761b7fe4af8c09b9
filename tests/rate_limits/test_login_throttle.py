"""Sign-in failure counting: exponential delays per account and address, a ceiling per
account, and the same answers for accounts that do not exist."""

from __future__ import annotations

import uuid

import httpx
import time_machine
from fastapi import FastAPI

from aurum.app_state import AppState
from aurum.bootstrap import create_admin
from tests.conftest import PASSWORD, AppFactory
from tests.error_bodies import text_without_request_id
from tests.rate_limits.conftest import LIMITED, client_at, register, sign_in

ATTACKER = "192.0.2.66"
HOME = "198.51.100.20"
WRONG = "not the password"


def throttled(response: httpx.Response) -> int:
    """The Retry-After of a sign-in refused for too many failures."""
    assert response.status_code == 429, response.text
    assert response.json()["error"] == "too_many_failed_attempts"
    return int(response.headers["retry-after"])


async def fail(client: httpx.AsyncClient, username: str, times: int) -> None:
    for _ in range(times):
        response = await sign_in(client, username, WRONG)
        assert response.status_code == 401, response.text


async def test_delays_start_after_five_failures_and_double(
    limited_app: FastAPI, clock: time_machine.TimeMachineFixture
) -> None:
    async with client_at(limited_app, ATTACKER) as attacker:
        await register(attacker, "juan")
        await fail(attacker, "juan", 5)
        waits = []
        for _ in range(5):
            wait = throttled(await sign_in(attacker, "juan", WRONG))
            # Refused attempts are not counted: asking again does not lengthen the wait.
            assert throttled(await sign_in(attacker, "juan", WRONG)) == wait
            waits.append(wait)
            clock.shift(wait + 0.01)
            await fail(attacker, "juan", 1)
    assert waits == [60, 60, 120, 240, 480]


async def test_the_right_password_is_refused_while_throttled(
    limited_app: FastAPI, clock: time_machine.TimeMachineFixture
) -> None:
    async with client_at(limited_app, ATTACKER) as attacker:
        await register(attacker, "juan")
        await fail(attacker, "juan", 5)
        throttled(await sign_in(attacker, "juan", PASSWORD))
        clock.shift(61)
        assert (await sign_in(attacker, "juan", PASSWORD)).status_code == 200


async def test_attacker_address_does_not_lock_out_the_real_user(
    limited_app: FastAPI, clock: time_machine.TimeMachineFixture
) -> None:
    async with client_at(limited_app, ATTACKER) as attacker, client_at(limited_app, HOME) as home:
        await register(home, "juan")
        await fail(attacker, "juan", 5)
        for _ in range(4):
            clock.shift(throttled(await sign_in(attacker, "juan", WRONG)) + 0.01)
            await fail(attacker, "juan", 1)
        wait = throttled(await sign_in(attacker, "juan", WRONG))
        assert wait >= 240

        assert (await sign_in(home, "juan", PASSWORD)).status_code == 200
        # ...and after the delay the attacker's address may try again, once.
        clock.shift(wait + 0.01)
        await fail(attacker, "juan", 1)
        throttled(await sign_in(attacker, "juan", WRONG))


async def test_a_successful_sign_in_clears_the_delay(
    limited_app: FastAPI, clock: time_machine.TimeMachineFixture
) -> None:
    async with client_at(limited_app, HOME) as home:
        await register(home, "juan")
        await fail(home, "juan", 4)
        assert (await sign_in(home, "juan", PASSWORD)).status_code == 200
        await fail(home, "juan", 5)
        throttled(await sign_in(home, "juan", WRONG))


async def test_the_101st_failure_in_an_hour_is_refused_from_anywhere(
    limited_app: FastAPI, clock: time_machine.TimeMachineFixture
) -> None:
    async with client_at(limited_app, HOME) as home:
        await register(home, "juan")
    for n in range(100):  # one failure per address: no address is ever delayed
        async with client_at(limited_app, f"10.0.{n // 250}.{n % 250 + 1}") as client:
            await fail(client, "juan", 1)
        clock.shift(30)  # 100 failures spread over 50 minutes
    async with client_at(limited_app, "10.9.9.9") as fresh, client_at(limited_app, HOME) as home:
        wait = throttled(await sign_in(fresh, "juan", WRONG))
        assert 590 <= wait <= 600  # the first failure leaves the hour in ten minutes
        throttled(await sign_in(home, "juan", PASSWORD))
        clock.shift(wait + 0.01)
        assert (await sign_in(home, "juan", PASSWORD)).status_code == 200


async def test_unknown_accounts_are_throttled_like_real_ones(
    limited_app: FastAPI, clock: time_machine.TimeMachineFixture
) -> None:
    async with client_at(limited_app, ATTACKER) as attacker:
        await register(attacker, "juan")
        answers = {}
        for username in ("juan", "nobody"):
            responses = [await sign_in(attacker, username, WRONG) for _ in range(7)]
            answers[username] = [
                (r.status_code, text_without_request_id(r), r.headers.get("retry-after"))
                for r in responses
            ]
    assert answers["juan"] == answers["nobody"]
    assert [status for status, _, _ in answers["nobody"]] == [401] * 5 + [429] * 2


async def test_username_and_email_count_as_one_account(
    limited_app: FastAPI, clock: time_machine.TimeMachineFixture
) -> None:
    async with client_at(limited_app, ATTACKER) as attacker:
        await register(attacker, "juan")
        await fail(attacker, "juan", 3)
        await fail(attacker, "JUAN@example.com", 2)
        throttled(await sign_in(attacker, "Juan", WRONG))


async def test_limits_can_be_turned_off(make_app: AppFactory) -> None:
    app = await make_app(rate_limit_enabled=False)
    async with client_at(app, ATTACKER) as attacker:
        await register(attacker, "juan")
        await fail(attacker, "juan", 30)
        assert (await sign_in(attacker, "juan", PASSWORD)).status_code == 200


async def test_counters_are_shared_through_redis(make_app: AppFactory) -> None:
    """With Redis every instance sees the same counters; without it, each its own."""
    prefix = f"aurum-test-{uuid.uuid4().hex[:8]}:"
    first = await make_app(**LIMITED, redis_prefix=prefix)
    second = await make_app(**LIMITED, redis_prefix=prefix)
    async with client_at(first, ATTACKER) as one, client_at(second, ATTACKER) as other:
        await register(one, "juan")
        await fail(one, "juan", 5)
        response = await sign_in(other, "juan", WRONG)
    if first.state.aurum.redis is not None:
        throttled(response)
    else:
        assert response.status_code == 401


async def test_lockouts_are_in_the_audit_log(limited_app: FastAPI) -> None:
    state: AppState = limited_app.state.aurum
    await create_admin(
        state.sessionmaker,
        state.passwords,
        state.settings,
        username="root",
        email="root@example.com",
        password=PASSWORD,
    )
    async with client_at(limited_app, ATTACKER) as attacker, client_at(limited_app, HOME) as home:
        await register(home, "juan")
        await fail(attacker, "juan", 5)
        throttled(await sign_in(attacker, "juan", WRONG))
        token = (await sign_in(home, "root", PASSWORD)).json()["access_token"]
        response = await home.get(
            "/api/v1/audit-events",
            params={"event_type": ["sign_in.locked", "sign_in.failed"]},
            headers={"Authorization": f"Bearer {token}"},
        )
    items = response.json()["items"]
    kinds = [item["event_type"] for item in reversed(items)]
    # The fifth failure starts the delay; the refused sixth attempt is not an event.
    assert kinds == ["sign_in.failed"] * 5 + ["sign_in.locked"]
    assert items[0]["details"] == {"scope": "account_ip", "retry_after": 60}
    assert items[0]["ip_address"] == ATTACKER
