"""All SQL about account tokens."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import cast

from sqlalchemy import Table, case, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.models.account_token import AccountToken, TokenPurpose
from aurum.models.user import User

# Every sign-up and reset writes one: a statement built once, not an ORM object.
_INSERT_TOKEN = insert(cast("Table", AccountToken.__table__))


class AccountTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token: Mapping[str, object]) -> None:
        """One token's row, inserted at once."""
        await self.session.execute(_INSERT_TOKEN, token)

    async def find(
        self, token_hash: str, purpose: TokenPurpose
    ) -> tuple[AccountToken, User] | None:
        row = (
            await self.session.execute(
                select(AccountToken, User)
                .join(User, AccountToken.user_id == User.id)
                .where(AccountToken.token_hash == token_hash, AccountToken.purpose == purpose)
            )
        ).one_or_none()
        return None if row is None else (row[0], row[1])

    async def claim(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Spend a token; False when another request spent it first."""
        result = await self.session.execute(
            update(AccountToken)
            .where(AccountToken.id == token_id, AccountToken.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def record_failure(self, token_id: uuid.UUID, max_attempts: int, now: datetime) -> None:
        """Count a wrong answer to a challenge; the last allowed one spends the token."""
        await self.session.execute(
            update(AccountToken)
            .where(AccountToken.id == token_id, AccountToken.used_at.is_(None))
            .values(
                attempts=AccountToken.attempts + 1,
                used_at=case((AccountToken.attempts + 1 >= max_attempts, now), else_=None),
            )
            .execution_options(synchronize_session=False)
        )

    async def spend_all(self, user_id: uuid.UUID, purpose: TokenPurpose, now: datetime) -> None:
        await self.session.execute(
            update(AccountToken)
            .where(
                AccountToken.user_id == user_id,
                AccountToken.purpose == purpose,
                AccountToken.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
