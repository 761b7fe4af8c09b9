"""The SQL of the hot path: who is behind an access token, in one autocommit round trip.

Every authenticated request runs this, so it skips what it does not need: no transaction
(BEGIN and COMMIT would be two more round trips) and no ORM session. On PostgreSQL the
statement, compiled once by SQLAlchemy, goes straight to the pooled asyncpg connection
(prepared once per connection), and SQLAlchemy's own type processors convert the row;
that costs a fraction of a Core execution. The row becomes an ordinary detached `User`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Select, bindparam, inspect, select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import make_transient_to_detached

from aurum.models.auth_session import AuthSession
from aurum.models.user import User

Processor = Callable[[Any], Any] | None


def _loaded_columns() -> list[tuple[str, Column[Any]]]:
    """(attribute, column) for every column a normal load of User fetches (not deferred)."""
    return [
        (prop.key, prop.columns[0])  # type: ignore[misc]
        for prop in inspect(User).column_attrs
        if not prop.deferred
    ]


_COLUMNS = _loaded_columns()
_ACTIVE_USER: Select[Any] = (
    select(*(column for _, column in _COLUMNS))
    .join_from(User, AuthSession, AuthSession.user_id == User.id)
    .where(
        User.id == bindparam("user_id"),
        AuthSession.id == bindparam("session_id"),
        AuthSession.revoked_at.is_(None),
    )
)


class _DriverStatement:
    """The query as the asyncpg driver takes it, with the row's type conversions."""

    def __init__(self, dialect: Dialect) -> None:
        compiled = _ACTIVE_USER.compile(dialect=dialect)
        self.sql = str(compiled)
        self.parameters = list(compiled.positiontup or ())
        self.processors: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for _, column in _COLUMNS
        ]

    async def fetch(self, connection: AsyncConnection, values: dict[str, Any]) -> list[Any] | None:
        raw = await connection.get_raw_connection()
        row = await raw.driver_connection.fetchrow(  # type: ignore[union-attr]
            self.sql, *(values[name] for name in self.parameters)
        )
        if row is None:
            return None
        return [
            value if process is None else process(value)
            for value, process in zip(row, self.processors, strict=True)
        ]


class PrincipalRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._driver = _statements(engine)

    async def get_active_user(self, user_id: uuid.UUID, session_id: uuid.UUID) -> User | None:
        """The user, if the session the token names is still live; detached."""
        values = {"user_id": user_id, "session_id": session_id}
        async with self.engine.connect() as connection:
            row: Sequence[Any] | None
            if self._driver is not None:
                row = await self._driver.fetch(connection, values)
            else:
                row = (await connection.execute(_ACTIVE_USER, values)).one_or_none()
        if row is None:
            return None
        user = User(**{key: value for (key, _), value in zip(_COLUMNS, row, strict=True)})
        make_transient_to_detached(user)
        return user


_DRIVER_STATEMENTS: dict[str, _DriverStatement] = {}


def _statements(engine: AsyncEngine) -> _DriverStatement | None:
    """The driver statement for asyncpg (compiled on first use); None for other drivers."""
    dialect = engine.dialect
    if dialect.driver != "asyncpg":
        return None
    if dialect.driver not in _DRIVER_STATEMENTS:
        _DRIVER_STATEMENTS[dialect.driver] = _DriverStatement(dialect)
    return _DRIVER_STATEMENTS[dialect.driver]
