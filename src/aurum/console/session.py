"""A command's database work: one session and one transaction, like a request's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from aurum.config import Settings
from aurum.db import migrate
from aurum.db.session import build_engine, build_sessionmaker


@asynccontextmanager
async def command_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """Committed when the block ends, rolled back if it raises. Embedded SQLite is
    migrated first, as the service does on start."""
    if settings.migrate_on_start:
        await migrate.upgrade_database(settings)
    engine = build_engine(settings)
    try:
        async with build_sessionmaker(engine).begin() as session:
            yield session
    finally:
        await engine.dispose()
