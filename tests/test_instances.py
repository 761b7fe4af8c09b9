"""Two instances on one PostgreSQL and Redis behave as one service.

Two real `aurum serve` processes (their own ports, one database made for this module, one
Redis prefix) and the suite's OIDC provider. What one instance learns, counts or revokes,
the other acts on at once; a key rotated by the command line is used and published by
both; one instance killed with SIGKILL under load loses no acknowledged sign-up, nor its
email.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from email import message_from_bytes, policy
from pathlib import Path
from typing import IO, Any

import asyncpg
import httpx
import jwt
import pytest
from sqlalchemy.engine import make_url

from aurum.config import normalize_database_url
from aurum.db.migrate import upgrade_database
from aurum.keys.rotation import HANDOVER_MARGIN
from tests.conftest import PASSWORD, POSTGRES_URL, REDIS_URL, make_settings, postgres_database
from tests.live_server import free_port
from tests.sso.oidc import API, OidcProvider, install_provider_packages

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        POSTGRES_URL is None or REDIS_URL is None,
        reason="needs TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL: instances share "
        "their state through them, and embedded SQLite is for one process",
    ),
]

AURUM = str(Path(sys.executable).parent / "aurum")
START_DEADLINE = 90.0  # two processes starting at once on a busy two-core machine
KEY_REFRESH_SECONDS = 1
HANDOVER_SECONDS = 2
ME = "/api/v1/users/me"
OAUTH_TOKEN_LIMIT = 4  # per minute and client address, across both instances
FREE_FAILURES = 2
JOBS_LEASE_SECONDS = 5  # a killed instance's claimed emails go to the other after this


class Instance:
    """One `aurum serve` process, in a process group of its own (its hashing child too)."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{name}.log"
        self._log: IO[bytes] = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [AURUM, "serve", "--port", str(self.port), "--no-access-log"],
            env=env,
            cwd=workdir,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    async def wait_ready(self) -> None:
        async with httpx.AsyncClient(base_url=self.url) as http:
            deadline = time.monotonic() + START_DEADLINE
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if (await http.get("/health/ready", timeout=2)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        pytest.fail(f"instance {self.name} did not start; see {self.log_path}", pytrace=False)

    def kill(self) -> None:
        """SIGKILL to the whole group: no shutdown, no draining, as a node that dies."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


class Service:
    """The two instances, a client for each, and what they share."""

    def __init__(self, a: Instance, b: Instance, env: dict[str, str], provider: OidcProvider):
        self.a, self.b = a, b
        self.env = env
        self.provider = provider
        self.http_a = httpx.AsyncClient(base_url=a.url, timeout=30)
        self.http_b = httpx.AsyncClient(base_url=b.url, timeout=30)

    async def register(self, http: httpx.AsyncClient) -> str:
        username = f"u{uuid.uuid4().hex[:12]}"
        body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
        response = await http.post("/api/v1/users/register", json=body)
        assert response.status_code == 201, response.text
        return username

    async def sign_in(self, http: httpx.AsyncClient, username: str) -> dict[str, Any]:
        response = await http.post(
            "/api/v1/token", data={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        tokens: dict[str, Any] = response.json()
        return tokens

    async def close(self) -> None:
        await self.http_a.aclose()
        await self.http_b.aclose()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def eventually(check: Callable[[], Awaitable[bool]], what: str, within: float) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        await asyncio.sleep(0.1)


def service_env(database_url: str, provider: OidcProvider, workdir: Path) -> dict[str, str]:
    """One configuration for both instances, as the pods of one Deployment share it."""
    settings = make_settings(database_url)
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "DATABASE_POOL_SIZE": "4",
        "REDIS_URL": str(REDIS_URL),
        "REDIS_PREFIX": settings.redis_prefix,
        "SECRET_KEY": settings.secret_key.get_secret_value(),
        "ISSUER": "http://aurum.test",  # the public URL both stand behind
        "PUBLIC_BASE_URL": "http://aurum.test",
        "ARGON2_MEMORY_COST": "1024",
        "ARGON2_TIME_COST": "1",
        "PASSWORD_HASH_THREADS": "1",
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_DIR": str(workdir / "mail"),
        "JOBS_LEASE_SECONDS": str(JOBS_LEASE_SECONDS),
        "KEY_REFRESH_SECONDS": str(KEY_REFRESH_SECONDS),
        "RATE_LIMIT_ENABLED": "true",
        "RATE_LIMITS": json.dumps(
            {
                "oauth_token.ip": f"{OAUTH_TOKEN_LIMIT}/minute",
                "login.ip": "10000/minute",
                "register.ip": "10000/minute",
            }
        ),
        "LOGIN_FREE_FAILURES": str(FREE_FAILURES),
        "LOGIN_DELAY_BASE_SECONDS": "600",  # no delay runs out while the test runs
        "SSO_ISSUER": provider.issuer,
        "CLIENT_ID": "aurum",
        "CLIENT_SECRET": "aurum-secret",
        "SSO_AUDIENCE": API,
    }


@pytest.fixture(scope="module")
async def service(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Service]:
    assert POSTGRES_URL is not None
    workdir = tmp_path_factory.mktemp("instances")
    install_provider_packages()
    provider = OidcProvider(workdir)
    await provider.start()
    try:
        async with postgres_database(POSTGRES_URL) as url:
            await upgrade_database(make_settings(url))
            env = service_env(url, provider, workdir)
            a, b = Instance("a", env, workdir), Instance("b", env, workdir)
            shared = Service(a, b, env, provider)
            try:
                await asyncio.gather(a.wait_ready(), b.wait_ready())
                yield shared
            finally:
                await shared.close()
                a.stop()
                b.stop()
    finally:
        await provider.close()


async def test_rate_limits_are_counted_once_for_both(service: Service) -> None:
    async def token_request(http: httpx.AsyncClient) -> int:
        data = {"grant_type": "client_credentials"}
        response = await http.post("/api/v1/oauth/token", data=data, auth=("nobody", "wrong"))
        return response.status_code

    first = [await token_request(http) for http in (service.http_a, service.http_b) * 2]
    assert 429 not in first
    # The limit is spent by both together: the next request is refused on either.
    assert await token_request(service.http_a) == 429
    assert await token_request(service.http_b) == 429


async def test_sign_in_failures_on_one_count_on_the_other(service: Service) -> None:
    username = await service.register(service.http_a)
    wrong = {"username": username, "password": "not the password"}
    for _ in range(FREE_FAILURES):
        assert (await service.http_a.post("/api/v1/token", data=wrong)).status_code == 401
    # Throttled on B too, even with the right password.
    right = {"username": username, "password": PASSWORD}
    response = await service.http_b.post("/api/v1/token", data=right)
    assert response.status_code == 429
    assert response.json()["error"] == "too_many_failed_attempts"


async def test_a_session_revoked_on_one_is_refused_on_the_other_at_once(
    service: Service,
) -> None:
    username = await service.register(service.http_a)
    tokens = await service.sign_in(service.http_a, username)
    # B has verified this token once (and keeps the verified signature).
    assert (await service.http_b.get(ME, headers=bearer(tokens["access_token"]))).is_success

    response = await service.http_a.delete(
        "/api/v1/users/me/sessions", headers=bearer(tokens["access_token"])
    )
    assert response.status_code == 204
    assert (await service.http_b.get(ME, headers=bearer(tokens["access_token"]))).status_code == 401
    refresh = await service.http_b.post(
        "/api/v1/refresh-token", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401


async def test_a_key_rotated_through_the_cli_signs_and_is_published_on_both(
    service: Service,
) -> None:
    username = await service.register(service.http_a)
    before = jwt.get_unverified_header(
        (await service.sign_in(service.http_a, username))["access_token"]
    )
    rotate = await asyncio.create_subprocess_exec(
        AURUM,
        "keys",
        "rotate",
        "--handover-seconds",
        str(HANDOVER_SECONDS),
        env=service.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await rotate.communicate()
    assert rotate.returncode == 0, output.decode()
    announced = re.search(r"New signing key (\S+)", output.decode())
    assert announced is not None, output.decode()
    kid = announced[1]
    assert kid != before["kid"]
    # The documented window: the hand-over, then each instance's next reload (with the
    # margin the default hand-over gives the slowest one).
    window = HANDOVER_SECONDS + KEY_REFRESH_SECONDS + HANDOVER_MARGIN.total_seconds()

    for http in (service.http_a, service.http_b):
        keys = (await http.get("/.well-known/jwks.json")).json()["keys"]
        assert {before["kid"], kid} <= {key["kid"] for key in keys}  # published at once

    async def signs_with_the_new_key(http: httpx.AsyncClient) -> bool:
        token = (await service.sign_in(http, username))["access_token"]
        return bool(jwt.get_unverified_header(token)["kid"] == kid)

    for http, name in ((service.http_a, "A"), (service.http_b, "B")):
        check = functools.partial(signs_with_the_new_key, http)
        await eventually(check, f"{name} signs with {kid}", within=window)
    # Each accepts the other's tokens.
    from_a = (await service.sign_in(service.http_a, username))["access_token"]
    assert (await service.http_b.get(ME, headers=bearer(from_a))).status_code == 200
    from_b = (await service.sign_in(service.http_b, username))["access_token"]
    assert (await service.http_a.get(ME, headers=bearer(from_b))).status_code == 200


async def test_the_sso_introspection_cache_is_shared(service: Service) -> None:
    await service.provider.reset()
    token = await service.provider.client_credentials()
    assert (await service.http_a.get(ME, headers=bearer(token))).status_code == 200
    assert (await service.http_b.get(ME, headers=bearer(token))).status_code == 200
    assert await service.provider.introspections() == 1


async def test_an_instance_killed_under_load_loses_no_acknowledged_write(
    service: Service,
) -> None:
    created: list[str] = []
    failed_on_b: list[str] = []
    after_kill_on_b = 0
    killed = asyncio.Event()
    stop = asyncio.Event()

    async def sign_ups(http: httpx.AsyncClient, on_b: bool) -> None:
        nonlocal after_kill_on_b
        while not stop.is_set():
            username = f"load{uuid.uuid4().hex[:12]}"
            body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
            try:
                response = await http.post("/api/v1/users/register", json=body)
            except httpx.TransportError as exc:
                if on_b:
                    failed_on_b.append(repr(exc))
                if not on_b:
                    await asyncio.sleep(0.05)  # A is gone: its clients see the failure
                continue
            if response.status_code == 201:
                created.append(username)
                after_kill_on_b += on_b and killed.is_set()
            elif on_b:
                failed_on_b.append(f"{response.status_code} {response.text}")

    load = [
        asyncio.create_task(sign_ups(http, on_b))
        for http, on_b in ((service.http_a, False), (service.http_b, True))
        for _ in range(3)
    ]
    await asyncio.sleep(2)
    service.a.kill()
    killed.set()
    await asyncio.sleep(3)
    stop.set()
    await asyncio.gather(*load)

    assert failed_on_b == []
    assert after_kill_on_b > 0, "B served no sign-up after A was killed"
    assert (await service.http_b.get("/health/ready")).status_code == 200
    dsn = make_url(normalize_database_url(service.env["DATABASE_URL"]))
    connection = await asyncpg.connect(dsn.set(drivername="postgresql").render_as_string(False))
    try:
        rows = await connection.fetch(
            "SELECT username FROM users WHERE username = ANY($1::text[])", created
        )
    finally:
        await connection.close()
    assert {row["username"] for row in rows} == set(created)

    # Every sign-up's email is sent, A's queued and claimed ones too (by B, once their lease
    # ran out); a message sent twice (A killed between sending and recording it) carries
    # one Message-ID, which receivers use to drop the copy.
    wanted = {f"{username}@example.com" for username in created}

    def sent() -> dict[str, set[str]]:
        ids: dict[str, set[str]] = {}
        for path in Path(service.env["EMAIL_FILE_DIR"]).glob("*.eml"):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            ids.setdefault(str(message["To"]), set()).add(str(message["Message-ID"]))
        return ids

    async def all_sent() -> bool:
        return wanted <= sent().keys()

    await eventually(all_sent, within=JOBS_LEASE_SECONDS + 60, what="every email sent")
    assert all(len(sent()[address]) == 1 for address in wanted)
