"""Aurum itself, started the production way, and the accounts and tokens the load needs."""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
AURUM = str(Path(sys.executable).parent / "aurum")
ADMIN = "benchadmin"
PASSWORD = "bench-Passw0rd-x7Kq"  # noqa: S105 - every seeded account shares it (one hash)


def service_env(dsn: str, secret_key: str) -> dict[str, str]:
    """Production settings; limits that would throttle a single load generator are off."""
    return {
        "ENVIRONMENT": "production",
        "SECRET_KEY": secret_key,
        "ISSUER": "http://127.0.0.1",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": dsn,
        "AUTO_MIGRATE": "false",
        "RATE_LIMIT_ENABLED": "false",  # the account-security feature's switch for benchmarks
        "REDIS_URL": "",
        # Production refuses the console backend; the benchmark sends no email it reads.
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_DIR": str(ROOT / "bench" / "results" / "mail"),
    }


def new_secret_key() -> str:
    return secrets.token_urlsafe(48)


def aurum(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    """Run an `aurum` command as an operator would."""
    subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [AURUM, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


def prepare(env: dict[str, str]) -> None:
    """Migrate, then create the administrator whose row is the prototype of every user."""
    aurum(env, "db", "upgrade")
    aurum(
        env,
        "create-admin",
        "--username",
        ADMIN,
        "--email",
        f"{ADMIN}@example.com",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )


@dataclass(frozen=True, slots=True)
class Tokens:
    access: list[str]
    refresh: list[str]


async def sign_in(base_url: str, usernames: list[str], concurrency: int = 4) -> Tokens:
    """Sign accounts in through the API (each costs one password hash)."""
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:

        async def one(username: str) -> tuple[str, str]:
            async with limit:
                response = await client.post(
                    "/api/v1/token", data={"username": username, "password": PASSWORD}
                )
            response.raise_for_status()
            body = response.json()
            return body["access_token"], body["refresh_token"]

        pairs = await asyncio.gather(*(one(name) for name in usernames))
    return Tokens(access=[a for a, _ in pairs], refresh=[r for _, r in pairs])


@dataclass(frozen=True, slots=True)
class IntrospectionClient:
    basic: str  # base64 of client_id:client_secret, for the Authorization header
    note: str = ""


async def introspection_client(base_url: str, admin_token: str, probe: str) -> IntrospectionClient:
    """A service client registered through the admin API, if the token service exists."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        if (await client.post("/api/v1/oauth/introspect")).status_code == 404:
            return IntrospectionClient("", "n/a: no /api/v1/oauth/introspect in this build")
        response = await client.post(
            "/api/v1/oauth/clients",
            json={"name": "bench", "grant_types": ["client_credentials"], "scopes": []},
            headers={"Authorization": f"Bearer {admin_token}"},
        )
        if response.status_code != 201:
            return IntrospectionClient("", f"n/a: client registration gave {response.status_code}")
        body = response.json()
        basic = base64.b64encode(f"{body['client_id']}:{body['client_secret']}".encode()).decode()
        check = await client.post(
            "/api/v1/oauth/introspect",
            data={"token": probe},
            headers={"Authorization": f"Basic {basic}"},
        )
        if check.status_code != 200 or check.json().get("active") is not True:
            return IntrospectionClient("", f"n/a: introspection check gave {check.status_code}")
    return IntrospectionClient(basic)
