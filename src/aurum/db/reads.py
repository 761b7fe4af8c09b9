"""Single statements on the autocommit engine: the hot paths' way to the database.

No ORM session and no transaction: a checkout, one round trip, the row. On PostgreSQL the
statement, compiled once by SQLAlchemy, is run by asyncpg itself on the pooled
connection, with the same type conversions (SQLAlchemy's execution machinery cost about
as much CPU as the round trip). The connection is taken from the pool as a raw DBAPI
connection, without SQLAlchemy's `Connection` around it (its checkout and return cost
another ~40 µs per statement).

Reads can be repeated, so a pooled connection found dead (the database restarted; the
pool has no pre-ping) costs one retry on the connections SQLAlchemy has meanwhile
replaced; anything else the driver raises sends the read through SQLAlchemy's usual
path, which turns it into SQLAlchemy's errors. A write is run once: see `execute` and
`transaction`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Dialect, Select, UpdateBase
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import greenlet_spawn

Row = tuple[Any, ...]
AnySelect = Select[*tuple[Any, ...]]
Processor = Callable[[Any], Any] | None
# What asyncpg raises when the connection or the query fails.
_DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)


@dataclass(frozen=True, slots=True)
class _DriverStatement:
    sql: str
    parameters: tuple[str, ...]
    bind: tuple[Processor, ...]
    result: tuple[Processor, ...]
    constants: Mapping[str, Any]  # values the statement itself carries (literals)

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        return [
            value if process is None else process(value)
            for process, value in zip(
                self.bind,
                (
                    values[name] if name in values else self.constants[name]
                    for name in self.parameters
                ),
                strict=True,
            )
        ]

    async def fetch(self, driver: asyncpg.Connection, values: Mapping[str, Any]) -> Row | None:
        """Run on `driver`: the row it returns (with SQLAlchemy's conversions), if any."""
        record = await driver.fetchrow(self.sql, *self.arguments(values))
        if record is None:
            return None
        return tuple(
            value if process is None else process(value)
            for process, value in zip(self.result, record, strict=True)
        )


_compiled: dict[AnySelect | UpdateBase, _DriverStatement] = {}


def _for_driver(statement: AnySelect | UpdateBase, dialect: Dialect) -> _DriverStatement:
    found = _compiled.get(statement)
    if found is None:
        compiled: SQLCompiler = statement.compile(dialect=dialect)
        if compiled.insert_prefetch or compiled.update_prefetch:
            msg = "a statement the driver runs takes every value from its caller, no defaults"
            raise ValueError(msg)
        parameters = tuple(compiled.positiontup or ())
        binds = [compiled.binds[name] for name in parameters]
        columns = (
            statement.selected_columns
            if isinstance(statement, Select)
            else statement.exported_columns  # RETURNING
        )
        found = _DriverStatement(
            sql=compiled.string,
            parameters=parameters,
            bind=tuple(bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in binds),
            result=tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in columns
            ),
            constants={
                name: bind.effective_value
                for name, bind in zip(parameters, binds, strict=True)
                if not bind.required
            },
        )
        _compiled[statement] = found
    return found


@asynccontextmanager
async def _pooled_driver(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """The asyncpg connection of a raw pooled connection. On the way out it goes back to
    the pool, or is thrown away if the driver found it closed (SQLAlchemy then opens a new
    one on demand)."""
    pooled = await engine.raw_connection()
    driver: asyncpg.Connection = pooled.driver_connection
    try:
        yield driver
    finally:
        await greenlet_spawn(pooled.invalidate if driver.is_closed() else pooled.close)


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
    if engine.dialect.driver == "asyncpg":
        compiled = _for_driver(statement, engine.dialect)
        async with _pooled_driver(engine) as driver:
            try:
                return await compiled.fetch(driver, values)
            except _DRIVER_ERRORS:
                pass  # once more through SQLAlchemy, which reports it its own way
    async with engine.connect() as connection:
        row = (await connection.execute(statement, values)).one_or_none()
    return None if row is None else tuple(row)


async def execute(
    engine: AsyncEngine, statement: AnySelect | UpdateBase, values: Mapping[str, Any]
) -> Row | None:
    """Run one statement that writes, on its own: atomic without a transaction around it.
    Returns the row it returns (RETURNING, or the SELECT of a statement that writes in its
    WITH clause), if any.

    Never repeated once its connection failed (it may have been committed): that fails
    like any lost connection (DBAPIError, a 503). A statement the database refused wrote
    nothing; it runs again through SQLAlchemy, which raises its own error for it
    (IntegrityError, ...).
    """
    if engine.dialect.driver == "asyncpg":
        compiled = _for_driver(statement, engine.dialect)
        async with _pooled_driver(engine) as driver:
            try:
                return await compiled.fetch(driver, values)
            except _DRIVER_ERRORS as exc:
                lost = driver.is_closed()
                if lost or not isinstance(exc, asyncpg.PostgresError):
                    raise DBAPIError(compiled.sql, None, exc, connection_invalidated=lost) from exc
    async with engine.connect() as connection:
        result = await connection.execute(statement, values)
        row = result.one_or_none() if result.returns_rows else None
        await connection.commit()
    return None if row is None else tuple(row)


class DriverTransaction:
    """Statements of one transaction, run by asyncpg (see `transaction`)."""

    def __init__(self, driver: asyncpg.Connection, dialect: Dialect) -> None:
        self._driver = driver
        self._dialect = dialect

    async def fetch_one(
        self, statement: AnySelect | UpdateBase, values: Mapping[str, Any]
    ) -> Row | None:
        """The row the statement returns, if any."""
        return await _for_driver(statement, self._dialect).fetch(self._driver, values)


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[DriverTransaction]:
    """PostgreSQL: a transaction on a raw pooled connection, run by asyncpg. It commits
    when the block ends and rolls back if the block raises. Nothing in it is repeated: an
    error of the driver fails it as SQLAlchemy's DBAPIError (a 503)."""
    if engine.dialect.driver != "asyncpg":
        msg = "driver transactions are for asyncpg (PostgreSQL)"
        raise ValueError(msg)
    async with _pooled_driver(engine) as driver:
        try:
            async with driver.transaction():
                yield DriverTransaction(driver, engine.dialect)
        except _DRIVER_ERRORS as exc:
            lost = driver.is_closed()
            raise DBAPIError("transaction", None, exc, connection_invalidated=lost) from exc
