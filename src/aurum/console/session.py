"""A command's database work: one session and one transaction, like a request's."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.config import Settings
from aurum.db import migrate
from aurum.db.session import build_engine, build_sessionmaker


@asynccontextmanager
async def command_session(
    settings: Settings,
    prepare: Callable[[async_sessionmaker[AsyncSession]], None] | None = None,
) -> AsyncIterator[AsyncSession]:
    """Committed when the block ends, rolled back if it raises. Embedded SQLite is
    migrated first, as the service does on start. `prepare` sees the sessionmaker first
    (commands that change accounts bind a job runner to it, for the events they cause)."""
    if settings.migrate_on_start:
        await migrate.upgrade_database(settings)
    engine = build_engine(settings)
    try:
        sessionmaker = build_sessionmaker(engine)
        if prepare is not None:
            prepare(sessionmaker)
        async with sessionmaker.begin() as session:
            yield session
    finally:
        await engine.dispose()
