"""Every migration upgrades and downgrades, on each database."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from aurum.db.migrate import (
    alembic_config,
    current_revision,
    downgrade_database,
    upgrade_database,
)
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
    assert "jobs" in tables
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


def test_the_migrations_form_one_line_in_the_order_of_their_numbers() -> None:
    """Each file is `<date>_<revision>_<slug>.py` and revises the one numbered before it.
    Numbers may skip (0007 and 0008 were never made) but never go back: two branches that
    both add a migration after the same one leave two heads, and this fails."""
    scripts = ScriptDirectory.from_config(alembic_config(make_settings("sqlite://")))
    assert len(scripts.get_heads()) == 1
    chain = list(reversed(list(scripts.walk_revisions())))  # base first
    assert chain[0].down_revision is None
    for before, after in itertools.pairwise(chain):
        assert after.down_revision == before.revision
        assert int(after.revision) > int(before.revision)
    for script in chain:
        assert script.path is not None
        assert re.fullmatch(rf"\d{{8}}_{script.revision}_\w+\.py", Path(script.path).name)
