"""Request limits per client address and per account on sign-in, sign-up and refresh."""

from __future__ import annotations

import socket

import httpx
import pytest
import time_machine

from tests.conftest import PASSWORD, AppFactory
from tests.rate_limits.conftest import LIMITED, REGISTER, client_at, register, sign_in

REFRESH = "/api/v1/refresh-token"


def rate_limited(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    assert response.json()["error"] == "rate_limited"
    return int(response.headers["retry-after"])


async def test_sign_ins_per_address(
    make_app: AppFactory, clock: time_machine.TimeMachineFixture
) -> None:
    app = await make_app(**LIMITED, rate_limits={"login.ip": "3/minute"})
    async with client_at(app, "192.0.2.1") as client, client_at(app, "192.0.2.2") as other:
        await register(client, "juan")
        for name in ("ana", "luis", "juan"):  # different accounts: it is the address
            assert (await sign_in(client, name, "wrong password")).status_code == 401
        assert rate_limited(await sign_in(client, "juan", PASSWORD)) == 60
        assert (await sign_in(other, "juan", PASSWORD)).status_code == 200
        clock.shift(60.01)
        assert (await sign_in(client, "juan", PASSWORD)).status_code == 200


async def test_registrations_per_address(
    make_app: AppFactory, clock: time_machine.TimeMachineFixture
) -> None:
    app = await make_app(**LIMITED, rate_limits={"register.ip": "2/minute;3/hour"})
    async with client_at(app, "192.0.2.1") as client:
        await register(client, "ana")
        await register(client, "luis")
        body = {"username": "juan", "email": "juan@example.com", "password": PASSWORD}
        assert rate_limited(await client.post(REGISTER, json=body)) == 60
        clock.shift(60.01)
        await register(client, "juan")
        assert rate_limited(await client.post(REGISTER, json=body)) == 3600 - 60


async def test_registrations_per_email(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"register.account": "2/hour"})
    attempts = [("juan", "juan@example.com"), ("juan2", "JUAN@example.com"), ("juan3", "x")]
    responses = []
    for n, (username, email) in enumerate(attempts):
        async with client_at(app, f"192.0.2.{n + 1}") as client:
            body = {"username": username, "email": email, "password": PASSWORD}
            responses.append(await client.post(REGISTER, json=body))
    assert responses[0].status_code == 201
    assert responses[1].status_code != 429  # the same address, in any case, counts twice
    assert responses[2].status_code == 422  # a different (and malformed) one is not limited
    async with client_at(app, "192.0.2.9") as client:
        body = {"username": "juan4", "email": "Juan@Example.com", "password": PASSWORD}
        assert rate_limited(await client.post(REGISTER, json=body)) == 3600


async def test_refreshes_per_address_and_per_account(make_app: AppFactory) -> None:
    app = await make_app(
        **LIMITED, rate_limits={"refresh.ip": "3/minute", "refresh.account": "2/minute"}
    )
    async with client_at(app, "192.0.2.1") as one, client_at(app, "192.0.2.2") as two:
        await register(one, "juan")
        refresh_token = (await sign_in(one, "juan", PASSWORD)).json()["refresh_token"]
        for client in (one, two):  # two refreshes of the account, from two addresses
            response = await client.post(REFRESH, json={"refresh_token": refresh_token})
            assert response.status_code == 200, response.text
            refresh_token = response.json()["refresh_token"]
        rate_limited(await two.post(REFRESH, json={"refresh_token": refresh_token}))
        # The refused rotation did not spend the token: it still works later.
        for _ in range(2):  # and the address limit counts garbage tokens too
            assert (await one.post(REFRESH, json={"refresh_token": "x"})).status_code == 401
        rate_limited(await one.post(REFRESH, json={"refresh_token": "x"}))


async def test_refused_refresh_does_not_spend_the_token(
    make_app: AppFactory, clock: time_machine.TimeMachineFixture
) -> None:
    app = await make_app(**LIMITED, rate_limits={"refresh.account": "1/minute"})
    async with client_at(app, "192.0.2.1") as client:
        await register(client, "juan")
        first = (await sign_in(client, "juan", PASSWORD)).json()["refresh_token"]
        second = await client.post(REFRESH, json={"refresh_token": first})
        assert second.status_code == 200
        token = second.json()["refresh_token"]
        wait = rate_limited(await client.post(REFRESH, json={"refresh_token": token}))
        clock.shift(wait + 0.01)
        assert (await client.post(REFRESH, json={"refresh_token": token})).status_code == 200


async def test_limits_are_checked_before_the_body(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"login.ip": "2/minute"})
    async with client_at(app, "192.0.2.1") as client:
        for _ in range(2):
            assert (await client.post("/api/v1/token", content=b"{")).status_code == 422
        rate_limited(await client.post("/api/v1/token", content=b"{"))


async def test_ipv6_clients_are_limited_per_64(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"login.ip": "2/minute"})
    for host in ("2001:db8:1:1::1", "2001:db8:1:1::2"):
        async with client_at(app, host) as client:
            assert (await sign_in(client, "nobody", "wrong password")).status_code == 401
    async with (
        client_at(app, "2001:db8:1:1:ffff::3") as same_64,
        client_at(app, "2001:db8:1:2::1") as next_64,
    ):
        rate_limited(await sign_in(same_64, "nobody", "wrong password"))
        assert (await sign_in(next_64, "nobody", "wrong password")).status_code == 401


async def test_spanish_message_and_stable_code(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"login.ip": "1/minute"})
    async with client_at(app, "192.0.2.1") as client:
        await sign_in(client, "nobody", "wrong password")
        response = await client.post(
            "/api/v1/token",
            data={"username": "nobody", "password": "x"},
            headers={"Accept-Language": "es"},
        )
    assert rate_limited(response) == 60
    assert response.json()["message"].startswith("Demasiadas solicitudes")


async def test_malformed_override_is_refused_at_start(make_app: AppFactory) -> None:
    with pytest.raises(ValueError, match=r"login\.ip"):
        await make_app(**LIMITED, rate_limits={"login.ip": "lots"})


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_unreachable_redis_is_a_503_not_a_free_pass(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    async with client_at(app, "192.0.2.1") as client:
        response = await sign_in(client, "juan", PASSWORD)
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"


async def test_silent_redis_is_a_503_not_a_hang(make_app: AppFactory) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        app = await make_app(**LIMITED, redis_url=f"redis://127.0.0.1:{port}/0?socket_timeout=0.2")
        async with client_at(app, "192.0.2.1") as client:
            response = await sign_in(client, "juan", PASSWORD)
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"
