"""The account behind a sign-in, read outside the request's transaction.

The password check that follows takes tens of milliseconds of CPU. Looking the account up
on an autocommit connection, returned to the pool at once, means a sign-in holds no
database connection (and, on SQLite, not the write lock) while it hashes; a flood of
sign-ins then cannot starve other requests of connections. The same query says whether
the account has a second factor, so a sign-in needs no other read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, exists, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from aurum.db.reads import fetch_one
from aurum.models.mfa import TotpCredential
from aurum.models.user import User
from aurum.users.rows import USER_COLUMNS_WITH_PASSWORD, detached_user

# Built once: sign-in runs them on every attempt (building costs more than running).
_HAS_SECOND_FACTOR = (
    exists()
    .where(TotpCredential.user_id == User.id, TotpCredential.confirmed_at.is_not(None))
    .label("has_second_factor")
)


def _account_where(condition: ColumnElement[bool]) -> Select[Any]:
    columns = (column for _, column in USER_COLUMNS_WITH_PASSWORD)
    return select(*columns, _HAS_SECOND_FACTOR).where(condition)


_BY_EMAIL = _account_where(User.email == bindparam("login"))
_BY_USERNAME = _account_where(func.lower(User.username) == bindparam("login"))


@dataclass(frozen=True, slots=True)
class LoginAccount:
    user: User  # password hash loaded; detached from any session
    has_second_factor: bool  # a confirmed TOTP credential


class LoginLookup:
    def __init__(self, read_engine: AsyncEngine) -> None:
        self._engine = read_engine

    async def __call__(self, login: str) -> LoginAccount | None:
        """By username or email (case-insensitive)."""
        query = _BY_EMAIL if "@" in login else _BY_USERNAME
        row = await fetch_one(self._engine, query, {"login": login.lower()})
        if row is None:
            return None
        return LoginAccount(
            user=detached_user(USER_COLUMNS_WITH_PASSWORD, row), has_second_factor=row[-1]
        )
