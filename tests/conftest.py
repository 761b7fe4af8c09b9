"""Test harness: every test runs against each configured database.

SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (a server URL; each run makes
and drops its own database). The schema is built by the real migrations, once per
database; after each test, every row a test wrote is deleted.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from aurum.app_state import AppState
from aurum.bootstrap import create_admin
from aurum.catalogs.loader import load_catalogs
from aurum.config import Environment, Settings, normalize_database_url
from aurum.db.base import Base
from aurum.db.migrate import upgrade_database
from aurum.main import create_app
from aurum.models import __all__ as _models  # noqa: F401 - every table on the metadata
from aurum.users.repository import UserRepository
from tests.mail_server import Inbox, smtp_server

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
# Redis goes with PostgreSQL (the production pair); SQLite runs keep that state in memory.
REDIS_URL = os.environ.get("TEST_REDIS_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
# Rows that outlive a test: signing keys and reference data (the catalogs).
KEPT_TABLES = {"signing_keys", "regions", "provinces", "cities"}
DATA_TABLES = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name not in KEPT_TABLES]
PASSWORD = "correct horse battery"


@asynccontextmanager
async def postgres_database(server_url: str) -> AsyncIterator[str]:
    url = make_url(normalize_database_url(server_url))
    name = f"aurum_test_{uuid.uuid4().hex[:12]}"
    admin_dsn = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


@pytest.fixture(scope="session", params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "aurum.db"
        yield f"sqlite+aiosqlite:///{path}"
    else:
        assert POSTGRES_URL is not None
        async with postgres_database(POSTGRES_URL) as url:
            yield url


def make_settings(database_url: str, **overrides: Any) -> Settings:
    on_postgres = not database_url.startswith("sqlite")
    values: dict[str, Any] = {
        "redis_url": REDIS_URL if on_postgres else None,
        "redis_prefix": f"aurum-test-{uuid.uuid4().hex[:8]}:",
        "environment": Environment.TEST,
        "database_url": database_url,
        "auto_migrate": False,
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
        "issuer": "http://testserver",
        "argon2_memory_cost": 1024,
        "argon2_time_cost": 1,
        "password_hash_threads": 2,
        # Off unless a test turns them on (tests/rate_limits do): one client address makes
        # every request of the suite, which real limits would rightly refuse.
        "rate_limit_enabled": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session")
async def migrated_url(database_url: str) -> str:
    await upgrade_database(make_settings(database_url))
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        await load_catalogs(async_sessionmaker(engine))
    finally:
        await engine.dispose()
    return database_url


AppFactory = Callable[..., Awaitable[FastAPI]]


@pytest.fixture
async def make_app(migrated_url: str) -> AsyncIterator[AppFactory]:
    """Start apps with extra settings; each runs its real lifespan. Rows are deleted after."""
    contexts: list[Any] = []

    async def factory(**overrides: Any) -> FastAPI:
        app = create_app(make_settings(migrated_url, **overrides))
        context = app.router.lifespan_context(app)
        await context.__aenter__()
        contexts.append(context)
        return app

    yield factory
    for context in reversed(contexts):
        await context.__aexit__(None, None, None)
    engine = create_async_engine(migrated_url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            for table in DATA_TABLES:
                await connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    finally:
        await engine.dispose()


@pytest.fixture
async def app(make_app: AppFactory) -> FastAPI:
    return await make_app()


@pytest.fixture
def state(app: FastAPI) -> AppState:
    result: AppState = app.state.aurum
    return result


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class Accounts:
    """Creates accounts and signs them in through the public API."""

    def __init__(self, client: httpx.AsyncClient, state: AppState) -> None:
        self.client = client
        self.state = state

    async def register(
        self, username: str, password: str = PASSWORD, **extra: Any
    ) -> dict[str, Any]:
        body = {"username": username, "email": f"{username}@example.com", "password": password}
        response = await self.client.post("/api/v1/users/register", json=body | extra)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        # Sign-up never reveals the account's id; tests read it from the database.
        async with self.state.sessionmaker() as db:
            user = await UserRepository(db).get_by_username(username)
        assert user is not None
        return result | {"id": str(user.id)}

    async def profile(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        """The full profile, as the user sees it after signing in."""
        response = await self.client.get(
            "/api/v1/users/me", headers=await self.headers(username, password)
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def login(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/token", data={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def headers(self, username: str, password: str = PASSWORD) -> dict[str, str]:
        tokens = await self.login(username, password)
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    async def user(self, username: str, password: str = PASSWORD) -> dict[str, str]:
        """Register and sign in; returns the Authorization header."""
        await self.register(username, password)
        return await self.headers(username, password)

    async def admin(self, username: str = "root", password: str = PASSWORD) -> dict[str, str]:
        await create_admin(
            self.state.sessionmaker,
            self.state.passwords,
            self.state.settings,
            username=username,
            email=f"{username}@example.com",
            password=password,
        )
        return await self.headers(username, password)


@pytest.fixture
async def inbox() -> AsyncIterator[Inbox]:
    """A real SMTP server on 127.0.0.1 (an ephemeral port) keeping what it receives."""
    async with smtp_server() as server:
        yield server


@pytest.fixture
def accounts(client: httpx.AsyncClient, state: AppState) -> Accounts:
    return Accounts(client, state)


@pytest.fixture
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings in tests come from the fixtures, never from the developer's shell."""
    for name in (
        "DATABASE_URL",
        "SECRET_KEY",
        "ENVIRONMENT",
        "REDIS_URL",
        "SSO_ISSUER",
        "METRICS_PORT",
        "METRICS_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
