"""Apps with rate limits on, clients at chosen addresses, and a clock the test moves.

Moving windows compare timestamps taken by the app (also with Redis), so a frozen clock
that the test shifts makes waits exact without sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import time_machine
from fastapi import FastAPI

from tests.conftest import PASSWORD, AppFactory

TOKEN = "/api/v1/token"
REGISTER = "/api/v1/users/register"
# Waits long enough that no real-time expiry (Redis key TTLs) can end them during a test.
LIMITED: dict[str, Any] = {
    "rate_limit_enabled": True,
    "login_delay_base_seconds": 60,
    "login_delay_max_seconds": 3600,
}


def client_at(app: FastAPI, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def register(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> None:
    body = {"username": username, "email": f"{username}@example.com", "password": password}
    response = await client.post(REGISTER, json=body)
    assert response.status_code == 201, response.text


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(TOKEN, data={"username": username, "password": password})


@pytest.fixture
async def limited_app(make_app: AppFactory) -> FastAPI:
    return await make_app(**LIMITED)


@pytest.fixture
def clock(time_machine: time_machine.TimeMachineFixture) -> time_machine.TimeMachineFixture:
    time_machine.move_to(datetime.now(UTC), tick=False)
    return time_machine
