"""All SQL about XP: the ledger, the totals and the leaderboard."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from aurum.models.user import User
from aurum.models.xp import XpAward


class XpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, award: XpAward) -> XpAward:
        self.session.add(award)
        await self.session.flush()
        return award

    async def add_to_total(self, user: User, amount: int) -> None:
        """One atomic UPDATE: concurrent awards queue on the row and all of them count."""
        total = await self.session.scalar(
            update(User)
            .where(User.id == user.id)
            .values(xp_total=User.xp_total + amount)
            .returning(User.xp_total)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(user, "xp_total", total)

    async def history(
        self, user_id: uuid.UUID, *, limit: int, before: tuple[datetime, uuid.UUID] | None
    ) -> list[XpAward]:
        """Newest first."""
        query = (
            select(XpAward)
            .where(XpAward.user_id == user_id)
            .order_by(XpAward.created_at.desc(), XpAward.id.desc())
            .limit(limit)
        )
        if before is not None:
            query = query.where(tuple_(XpAward.created_at, XpAward.id) < tuple_(*before))
        return list(await self.session.scalars(query))

    async def leaderboard(
        self, *, limit: int, after: tuple[int, str] | None
    ) -> list[tuple[User, int]]:
        """Most XP first; ties by username. Each user comes with their rank."""
        name = func.lower(User.username)
        ahead = aliased(User)
        rank = (
            select(func.count() + 1)
            .where(ahead.xp_total > User.xp_total, ahead.disabled.is_(False))
            .scalar_subquery()
        )
        query = (
            select(User, rank)
            .where(User.disabled.is_(False))
            .order_by(User.xp_total.desc(), name)
            .limit(limit)
        )
        if after is not None:
            xp_total, username = after
            query = query.where(
                or_(User.xp_total < xp_total, and_(User.xp_total == xp_total, name > username))
            )
        return [(user, user_rank) for user, user_rank in await self.session.execute(query)]
