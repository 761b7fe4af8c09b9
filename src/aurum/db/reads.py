"""Single-statement reads on the autocommit engine: the hot paths' way to the database.

No ORM session and no transaction: a checkout, one round trip, the row. Reads can be
repeated, so a pooled connection found dead (the database restarted; the pool has no
pre-ping) costs one retry on the connections SQLAlchemy has meanwhile replaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVarTuple

from sqlalchemy import Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.selectable import TypedReturnsRows

_Ts = TypeVarTuple("_Ts")


async def fetch_one(
    engine: AsyncEngine, statement: TypedReturnsRows[*_Ts], values: Mapping[str, Any]
) -> Row[*_Ts] | None:
    """The statement's one row, or None."""
    try:
        return await _fetch(engine, statement, values)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        return await _fetch(engine, statement, values)


async def _fetch(
    engine: AsyncEngine, statement: TypedReturnsRows[*_Ts], values: Mapping[str, Any]
) -> Row[*_Ts] | None:
    async with engine.connect() as connection:
        return (await connection.execute(statement, values)).one_or_none()
