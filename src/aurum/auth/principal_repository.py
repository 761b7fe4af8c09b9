"""The SQL of the hot path: who is behind an access token, in one autocommit round trip.

Every authenticated request runs this, so it skips what it does not need: no transaction
(BEGIN and COMMIT would be two more round trips), no ORM session, and a statement built
once. The row becomes an ordinary detached `User`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Column, Select, bindparam, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import make_transient_to_detached

from aurum.db.reads import fetch_one
from aurum.models.auth_session import AuthSession
from aurum.models.user import User


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


class PrincipalRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def get_active_user(self, user_id: uuid.UUID, session_id: uuid.UUID) -> User | None:
        """The user, if the session the token names is still live; detached."""
        row = await fetch_one(
            self.engine, _ACTIVE_USER, {"user_id": user_id, "session_id": session_id}
        )
        if row is None:
            return None
        user = User(**{key: value for (key, _), value in zip(_COLUMNS, row, strict=True)})
        make_transient_to_detached(user)
        return user
