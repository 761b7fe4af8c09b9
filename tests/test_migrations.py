"""Every migration upgrades and downgrades, on each database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from aurum.db.migrate import current_revision, downgrade_database, upgrade_database
from tests.conftest import BACKENDS, POSTGRES_URL, make_settings, postgres_database


async def table_names(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def round_trip(url: str) -> None:
    settings = make_settings(url)
    await upgrade_database(settings)
    tables = await table_names(url)
    assert {"users", "sessions", "refresh_tokens", "signing_keys", "external_identities"} <= tables
    assert {"account_tokens", "mfa_totp", "mfa_recovery_codes"} <= tables
    assert "audit_events" in tables
    assert {"oauth_clients", "token_revocations"} <= tables
    assert {"regions", "provinces", "cities", "companies", "company_members"} <= tables
    assert {"company_invitations", "xp_awards"} <= tables
    head = await current_revision(settings)
    assert "(head)" in head

    await downgrade_database(settings, "base")
    assert await table_names(url) <= {"alembic_version"}

    await upgrade_database(settings)
    assert await table_names(url) == tables
    assert await current_revision(settings) == head


@pytest.mark.parametrize("backend", BACKENDS)
async def test_upgrade_downgrade_upgrade(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        await round_trip(f"sqlite+aiosqlite:///{tmp_path}/migrations.db")
        return
    assert POSTGRES_URL is not None
    async with postgres_database(POSTGRES_URL) as url:
        await round_trip(url)
