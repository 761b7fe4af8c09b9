"""Engine and per-request session. Built in the lifespan, never at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Connection, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from aurum.config import Settings
from aurum.errors import AppError


def _sqlite_connect(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy, not the driver, emit BEGIN, so savepoints work (SQLAlchemy docs).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front: concurrent writers queue on busy_timeout
    # instead of failing on a stale snapshot. Embedded SQLite is for one process.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def build_engine(settings: Settings) -> AsyncEngine:
    url = settings.async_database_url
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if settings.is_sqlite:
        kwargs = {}
    else:
        kwargs.update(pool_size=settings.database_pool_size, max_overflow=10, pool_timeout=10)
    engine = create_async_engine(url, **kwargs)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def build_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session and one transaction per request, committed before the response."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.aurum.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except AppError as exc:
            await (session.commit() if exc.commit_changes else session.rollback())
            raise
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
