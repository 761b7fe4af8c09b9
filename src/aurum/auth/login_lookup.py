"""The account behind a sign-in, read outside the request's transaction.

The password check that follows takes tens of milliseconds of CPU. Looking the account up
on an autocommit connection, returned to the pool at once, means a sign-in holds no
database connection (and, on SQLite, not the write lock) while it hashes; a flood of
sign-ins then cannot starve other requests of connections.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.models.user import User
from aurum.users.repository import UserRepository


class LoginLookup:
    def __init__(self, read_sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = read_sessionmaker

    async def __call__(self, login: str) -> User | None:
        """By username or email, password hash loaded; detached from any session."""
        async with self._sessionmaker() as session:
            return await UserRepository(session).get_for_login(login)
