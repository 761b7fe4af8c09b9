"""Single-statement reads on the autocommit engine: the hot paths' way to the database.

No ORM session and no transaction: a checkout, one round trip, the row. On PostgreSQL the
statement, compiled once by SQLAlchemy, is run by asyncpg itself on the pooled
connection, with the same type conversions (SQLAlchemy's execution machinery cost about
as much CPU as the round trip). Anything the driver raises sends the read through
SQLAlchemy's usual path, which turns it into SQLAlchemy's errors.

Reads can be repeated, so a pooled connection found dead (the database restarted; the
pool has no pre-ping) costs one retry on the connections SQLAlchemy has meanwhile
replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Dialect, Select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

Row = tuple[Any, ...]
AnySelect = Select[*tuple[Any, ...]]
Processor = Callable[[Any], Any] | None
# What asyncpg raises when the connection or the query fails; SQLAlchemy then retries.
_DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)


@dataclass(frozen=True, slots=True)
class _DriverStatement:
    sql: str
    parameters: tuple[str, ...]
    bind: tuple[Processor, ...]
    result: tuple[Processor, ...]

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        return [
            value if process is None else process(value)
            for process, value in zip(
                self.bind, (values[name] for name in self.parameters), strict=True
            )
        ]

    def row(self, record: asyncpg.Record) -> Row:
        return tuple(
            value if process is None else process(value)
            for process, value in zip(self.result, record, strict=True)
        )


_compiled: dict[AnySelect, _DriverStatement] = {}


def _for_driver(statement: AnySelect, dialect: Dialect) -> _DriverStatement:
    found = _compiled.get(statement)
    if found is None:
        compiled = statement.compile(dialect=dialect)
        parameters = tuple(compiled.positiontup or ())
        found = _DriverStatement(
            sql=compiled.string,
            parameters=parameters,
            bind=tuple(
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in parameters
            ),
            result=tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in statement.selected_columns
            ),
        )
        _compiled[statement] = found
    return found


async def fetch_one(
    engine: AsyncEngine, statement: AnySelect, values: Mapping[str, Any]
) -> Row | None:
    """The statement's one row (a tuple), or None."""
    try:
        return await _fetch(engine, statement, values)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        return await _fetch(engine, statement, values)


async def _fetch(
    engine: AsyncEngine, statement: AnySelect, values: Mapping[str, Any]
) -> Row | None:
    async with engine.connect() as connection:
        if engine.dialect.driver == "asyncpg":
            compiled = _for_driver(statement, engine.dialect)
            try:
                record = await _driver_fetch(connection, compiled, values)
            except _DRIVER_ERRORS:
                pass  # once more through SQLAlchemy, which reports it its own way
            else:
                return None if record is None else compiled.row(record)
        row = (await connection.execute(statement, values)).one_or_none()
    return None if row is None else tuple(row)


async def _driver_fetch(
    connection: AsyncConnection, compiled: _DriverStatement, values: Mapping[str, Any]
) -> asyncpg.Record | None:
    raw = await connection.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection
    return await driver.fetchrow(compiled.sql, *compiled.arguments(values))
