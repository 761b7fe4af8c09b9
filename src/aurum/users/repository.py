"""All SQL about users."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from aurum.db.base import utcnow
from aurum.models.user import Role, User


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
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        now = utcnow()
        statement = (
            insert(User)
            .values(
                id=uuid.uuid4(),
                username=username,
                email=email,
                full_name=full_name,
                password_hash=password_hash,
                disabled=False,
                role=Role.USER,
                password_changed_at=now,
                created_at=now,
                updated_at=now,
                **profile,
            )
            .on_conflict_do_nothing()
            .returning(User.id)
        )
        created: uuid.UUID | None = (await self.session.execute(statement)).scalar_one_or_none()
        return created

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
