"""The SQL of the hot path: who is behind an access token, in one autocommit round trip.

Every authenticated request runs this, so it skips what it does not need: no transaction
(BEGIN and COMMIT would be two more round trips), no ORM session, and a statement built
once. The row becomes an ordinary detached `User`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from aurum.db.reads import fetch_one
from aurum.models.auth_session import AuthSession
from aurum.models.user import User
from aurum.users.rows import USER_COLUMNS, detached_user

_ACTIVE_USER: Select[Any] = (
    select(*(column for _, column in USER_COLUMNS))
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
        return detached_user(USER_COLUMNS, row)
