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
from aurum.db.pool import ReadPool, TransactionPool
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
    pool = _pool(settings.database_pool_size, settings)
    if settings.metrics_enabled:
        pool["poolclass"] = TransactionPool
    engine = create_async_engine(settings.async_database_url, **pool)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def build_read_engine(settings: Settings) -> AsyncEngine:
    """Autocommit connections for single-statement reads on the hot path.

    A read outside a transaction is one round trip instead of three (BEGIN, the query,
    COMMIT). A pool of its own, so connections never switch isolation level; on SQLite,
    reads go around the write lock that request transactions take (WAL lets them).
    """
    pool = _pool(max(2, settings.database_pool_size // 2), settings)
    if settings.metrics_enabled:
        pool["poolclass"] = ReadPool
    engine = create_async_engine(settings.async_database_url, isolation_level="AUTOCOMMIT", **pool)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
    return engine


def _pool(size: int, settings: Settings) -> dict[str, Any]:
    # A fixed pool that requests queue for (overflow connections would be opened and
    # closed on every request under load); a request that waits too long gets a 503. No
    # pre-ping (three round trips per checkout): a connection found dead after an outage
    # fails that request with a 503 and SQLAlchemy then replaces the pooled connections.
    return {"pool_size": size, "max_overflow": 0, "pool_timeout": settings.database_pool_timeout}


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
