"""XP rules: awards go through the ledger; totals and levels follow. Never commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from aurum.errors import Forbidden
from aurum.events.publish import publish
from aurum.events.types import EventType
from aurum.models.user import User
from aurum.models.xp import XpAward
from aurum.pagination import decode_cursor, encode_cursor
from aurum.users.errors import UserNotFound
from aurum.users.repository import UserRepository
from aurum.xp.repository import XpRepository
from aurum.xp.schemas import XpAwardCreate, XpAwarder


class XpService:
    def __init__(self, xp: XpRepository, users: UserRepository) -> None:
        self.xp = xp
        self.users = users

    async def award(
        self, username: str, data: XpAwardCreate, awarder: XpAwarder
    ) -> tuple[XpAward, User]:
        user = await self._user(username)
        award = await self.xp.add(
            XpAward(
                user_id=user.id,
                amount=data.amount,
                reason=data.reason,
                awarded_by_id=awarder.user_id,
                awarded_by_client_id=awarder.client_id,
                awarded_by=awarder.name,
            )
        )
        await self.xp.add_to_total(user, data.amount)
        await publish(
            self.users.session,
            EventType.XP_AWARDED,
            award_id=award.id,
            user_id=user.id,
            amount=data.amount,
        )
        return award, user

    async def history(
        self, viewer: User, username: str, *, limit: int, cursor: str | None
    ) -> tuple[list[XpAward], str | None]:
        user = await self._user(username)
        if user.id != viewer.id and not viewer.is_admin:
            raise Forbidden
        before = decode_cursor(cursor, (datetime, uuid.UUID)) if cursor else None
        page = await self.xp.history(user.id, limit=limit + 1, before=before)
        if len(page) <= limit:
            return page, None
        last = page[limit - 1]
        return page[:limit], encode_cursor([last.created_at, last.id])

    async def leaderboard(
        self, *, limit: int, cursor: str | None
    ) -> tuple[list[tuple[User, int]], str | None]:
        after = decode_cursor(cursor, (int, str)) if cursor else None
        page = await self.xp.leaderboard(limit=limit + 1, after=after)
        if len(page) <= limit:
            return page, None
        last, _ = page[limit - 1]
        return page[:limit], encode_cursor([last.xp_total, last.username.lower()])

    async def _user(self, username: str) -> User:
        user = await self.users.get_by_username(username)
        if user is None:
            raise UserNotFound
        return user
