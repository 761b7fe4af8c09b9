"""`aurum serve`: proxies' headers under Granian, hashing threads shared among workers,
the garbage collector of a worker, the address it advertises, a port already in use, a
worker slow to start."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from aurum.config import get_settings
from aurum.models.auth_session import AuthSession
from aurum.server import (
    GC_YOUNG_THRESHOLD,
    WORKER_HEALTHCHECK_SECONDS,
    behind_proxy,
    follow_served_address,
    share_hashing_threads,
)
from tests.conftest import PASSWORD, Accounts
from tests.live_server import free_port
from tests.serve import aurum_serve, serve_environment, serving


async def _session_ip(
    app: FastAPI, client_host: str, forwarded_for: str, trusted: list[str]
) -> str | None:
    transport = httpx.ASGITransport(app=behind_proxy(app, trusted), client=(client_host, 5000))
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
    ("client_host", "trusted", "expected"),
    [
        ("10.0.0.5", ["10.0.0.5"], "198.51.100.4"),
        ("10.0.0.5", ["10.0.0.0/8"], "198.51.100.4"),
        ("203.0.113.7", ["10.0.0.5"], "203.0.113.7"),
        # Nothing listed (the default): not even a local hop is believed.
        ("127.0.0.1", [], "127.0.0.1"),
    ],
)
async def test_forwarded_for_is_believed_only_from_listed_proxies(
    app: FastAPI, accounts: Accounts, client_host: str, trusted: list[str], expected: str
) -> None:
    await accounts.register("juan")
    assert await _session_ip(app, client_host, "198.51.100.4", trusted) == expected


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


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8011"),
        ("0.0.0.0", "http://localhost:8011"),  # noqa: S104 - not bound, only named
        ("::1", "http://[::1]:8011"),
    ],
)
def test_development_advertises_the_address_served(
    environment: dict[str, str], host: str, url: str
) -> None:
    for name in ("ENVIRONMENT", "ISSUER", "PUBLIC_BASE_URL"):
        environment.pop(name, None)
    follow_served_address(host, 8011)
    settings = get_settings()
    assert (settings.issuer, settings.public_base_url) == (url, url)


def test_a_configured_issuer_or_base_url_is_kept(environment: dict[str, str]) -> None:
    environment.pop("ENVIRONMENT", None)
    environment.pop("PUBLIC_BASE_URL", None)
    environment["ISSUER"] = "https://id.example.org"
    follow_served_address("127.0.0.1", 8011)
    settings = get_settings()
    assert settings.issuer == "https://id.example.org"
    assert settings.public_base_url == "http://127.0.0.1:8011"


def test_only_development_follows_the_address_served(environment: dict[str, str]) -> None:
    for name in ("ISSUER", "PUBLIC_BASE_URL"):
        environment.pop(name, None)
    environment["ENVIRONMENT"] = "test"
    follow_served_address("127.0.0.1", 8011)
    settings = get_settings()
    assert settings.issuer == settings.public_base_url == "http://localhost:8000"


def test_production_does_not_guess_the_address(environment: dict[str, str]) -> None:
    for name in ("ISSUER", "PUBLIC_BASE_URL"):
        environment.pop(name, None)
    environment["ENVIRONMENT"] = "production"
    environment["SECRET_KEY"] = "a-production-secret-of-at-least-32-characters"
    with pytest.raises(ValueError, match="ISSUER and PUBLIC_BASE_URL must be set"):
        follow_served_address("127.0.0.1", 8011)


def test_aurum_serve_names_its_port_in_discovery_and_email_links(tmp_path: Path) -> None:
    port = free_port()
    served = f"http://127.0.0.1:{port}"
    with aurum_serve(tmp_path, port) as stdout, httpx.Client(base_url=served) as http:
        for document in ("openid-configuration", "oauth-authorization-server"):
            metadata = http.get(f"/.well-known/{document}").json()
            assert metadata["issuer"] == served
            assert metadata["jwks_uri"] == f"{served}/.well-known/jwks.json"
        signup = {"username": "ana", "email": "ana@example.com", "password": PASSWORD}
        assert http.post("/api/v1/users/register", json=signup).status_code == 201
        deadline = time.monotonic() + 10
        while "verify-email?token=" not in stdout.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert f"{served}/verify-email?token=" in stdout.read_text()


def test_a_port_in_use_is_one_line_and_an_exit_code(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(  # noqa: S603 - this interpreter, our own entry point
            [sys.executable, "-m", "aurum", "serve", "--port", str(port)],
            env=serve_environment(tmp_path),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == f"error: 127.0.0.1:{port} is already in use\n"
    assert result.stdout == ""
    assert not (tmp_path / "serve.db").exists()  # checked before anything else happens


# Each worker process runs this first: its start takes as long as on a throttled pod.
SLOW_WORKER_START = """
import sys, time
if "--multiprocessing-fork" in sys.argv:
    time.sleep({seconds})
"""


@pytest.mark.slow
def test_a_worker_slow_to_start_is_waited_for(tmp_path: Path) -> None:
    # Uvicorn's supervisor kills a worker that does not answer within its health-check
    # timeout (5 s by default) and starts another, which is just as slow: no worker ever
    # served. Eight seconds to start is what a busy or CPU-limited machine takes.
    seconds = 8
    assert seconds < WORKER_HEALTHCHECK_SECONDS
    (tmp_path / "sitecustomize.py").write_text(SLOW_WORKER_START.format(seconds=seconds))
    environment = serve_environment(tmp_path)
    environment["PYTHONPATH"] = os.pathsep.join([str(tmp_path), *sys.path[1:]])
    port = free_port()
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - this interpreter, our own entry point
            [sys.executable, "-m", "aurum", "serve", "--port", str(port), "--workers", "2"],
            env=environment,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        ready = serving(process, port, within=WORKER_HEALTHCHECK_SECONDS + 30)
        assert ready, (tmp_path / "serve.log").read_text()
        assert "died" not in (tmp_path / "serve.log").read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)
