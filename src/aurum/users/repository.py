"""All SQL about users."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Insert, Select, Table, bindparam, exists, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import undefer

from aurum.db.base import utcnow
from aurum.db.reads import fetch_one
from aurum.models.user import Role, User

# Registration: every column it sets, in statements built once per dialect.
PROFILE_COLUMNS = ("gender", "birth_date", "region_id", "province_id", "city_id")
_REGISTRATION_COLUMNS = (
    "id",
    "username",
    "email",
    "full_name",
    "password_hash",
    "disabled",
    "role",
    "password_changed_at",
    "created_at",
    "updated_at",
    *PROFILE_COLUMNS,
)
_USERS = cast("Table", User.__table__)


def _registration(insert: Any) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id, with `insert` of the dialect."""
    values = {name: bindparam(name, type_=_USERS.c[name].type) for name in _REGISTRATION_COLUMNS}
    statement: Insert = (
        insert(_USERS).values(values).on_conflict_do_nothing().returning(_USERS.c.id)
    )
    return statement


_REGISTER_PG = _registration(postgresql.insert)
_REGISTER_SQLITE = _registration(sqlite.insert)
_USERNAME_TAKEN = select(exists().where(func.lower(User.username) == bindparam("username")))
_PASSWORD_HASH = select(User.password_hash).where(User.id == bindparam("user_id"))


class UserReads:
    """Reads outside the request's transaction, on the autocommit engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def password_hash(self, user_id: uuid.UUID) -> str | None:
        """The stored hash, so a password change checks the current password before its
        transaction begins."""
        row = await fetch_one(self.engine, _PASSWORD_HASH, {"user_id": user_id})
        return None if row is None else str(row[0])


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def get_by_username(self, username: str) -> User | None:
        return await self.session.scalar(
            select(User).where(func.lower(User.username) == username.lower())
        )

    async def get_with_password(self, user_id: uuid.UUID) -> User | None:
        return await self.session.scalar(
            select(User).where(User.id == user_id).options(undefer(User.password_hash))
        )

    async def username_exists(self, username: str, *, exclude: uuid.UUID | None = None) -> bool:
        query = select(User.id).where(func.lower(User.username) == username.lower())
        return await self._exists(query, exclude)

    async def email_exists(self, email: str, *, exclude: uuid.UUID | None = None) -> bool:
        return await self._exists(select(User.id).where(User.email == email.lower()), exclude)

    async def _exists(self, query: Select[uuid.UUID], exclude: uuid.UUID | None) -> bool:
        if exclude is not None:
            query = query.where(User.id != exclude)
        return await self.session.scalar(query.limit(1)) is not None

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def add_unless_taken(
        self,
        *,
        username: str,
        email: str,
        full_name: str | None,
        password_hash: str,
        profile: Mapping[str, object],
    ) -> uuid.UUID | None:
        """INSERT ... ON CONFLICT DO NOTHING: the new id, or None when a unique key is taken.

        A taken key costs the same statement as a free one, and raises nothing.
        """
        if unknown := profile.keys() - set(PROFILE_COLUMNS):
            msg = f"not profile columns: {sorted(unknown)}"
            raise ValueError(msg)
        now = utcnow()
        values = {
            "id": uuid.uuid4(),
            "username": username,
            "email": email,
            "full_name": full_name,
            "password_hash": password_hash,
            "disabled": False,
            "role": Role.USER,
            "password_changed_at": now,
            "created_at": now,
            "updated_at": now,
            **{name: profile.get(name) for name in PROFILE_COLUMNS},  # unsent: NULL
        }
        dialect = self.session.get_bind().dialect.name
        statement = _REGISTER_PG if dialect == "postgresql" else _REGISTER_SQLITE
        created: uuid.UUID | None = (await self.session.execute(statement, values)).scalar()
        return created

    async def username_taken(self, username: str) -> bool:
        """Whether an account (in any letter case) has this username."""
        return bool(await self.session.scalar(_USERNAME_TAKEN, {"username": username.lower()}))

    async def delete(self, user: User) -> None:
        await self.session.delete(user)
        await self.session.flush()

    async def list_page(
        self,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> list[User]:
        """Oldest first. `after` (keyset) stays fast at any depth; `offset` does not."""
        query = select(User).order_by(User.created_at, User.id).limit(limit)
        if after is not None:
            created_at, user_id = after
            query = query.where(tuple_(User.created_at, User.id) > tuple_(created_at, user_id))
        if offset:
            query = query.offset(offset)
        return list(await self.session.scalars(query))
