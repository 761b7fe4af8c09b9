"""`aurum serve` under Granian: client addresses come from local proxies' headers only."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from aurum.models.auth_session import AuthSession
from aurum.server import behind_proxy
from tests.conftest import Accounts


async def _session_ip(app: FastAPI, client_host: str, forwarded_for: str) -> str | None:
    transport = httpx.ASGITransport(app=behind_proxy(app), client=(client_host, 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.post(
            "/api/v1/token",
            data={"username": "juan", "password": "correct horse battery"},
            headers={"X-Forwarded-For": forwarded_for},
        )
        assert response.status_code == 200, response.text
    async with app.state.aurum.sessionmaker() as db:
        latest = await db.scalar(select(AuthSession).order_by(AuthSession.created_at.desc()))
    assert latest is not None
    ip_address: str | None = latest.ip_address
    return ip_address


@pytest.mark.parametrize(
    ("client_host", "expected"), [("127.0.0.1", "198.51.100.4"), ("203.0.113.7", "203.0.113.7")]
)
async def test_forwarded_for_is_believed_only_from_a_local_proxy(
    app: FastAPI, accounts: Accounts, client_host: str, expected: str
) -> None:
    await accounts.register("juan")
    assert await _session_ip(app, client_host, "198.51.100.4") == expected
