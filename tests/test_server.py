"""`aurum serve`: proxies' headers under Granian, hashing threads shared among workers,
the garbage collector of a worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from aurum.config import get_settings
from aurum.models.auth_session import AuthSession
from aurum.server import GC_YOUNG_THRESHOLD, behind_proxy, share_hashing_threads
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


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A private copy of the environment, and settings read afresh from it."""
    copy = dict(os.environ)
    monkeypatch.setattr(os, "environ", copy)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    get_settings.cache_clear()
    yield copy
    get_settings.cache_clear()


def test_workers_share_the_cores_for_hashing(environment: dict[str, str]) -> None:
    environment.pop("PASSWORD_HASH_THREADS", None)
    share_hashing_threads(2)
    assert get_settings().password_hash_threads == 2  # 4 cores, 2 workers


def test_an_explicit_hashing_thread_count_is_kept(environment: dict[str, str]) -> None:
    environment["PASSWORD_HASH_THREADS"] = "3"
    share_hashing_threads(2)
    assert get_settings().password_hash_threads == 3


def test_a_worker_freezes_what_building_the_app_created() -> None:
    # In a process of its own: freezing is for the whole interpreter.
    script = (
        "import gc, json; from aurum.server import served_app; "
        "served_app(); print(json.dumps([gc.get_freeze_count(), gc.get_threshold()]))"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    frozen, threshold = json.loads(result.stdout)
    assert frozen > 50_000  # the modules, the routes, the models
    assert threshold[0] == GC_YOUNG_THRESHOLD
