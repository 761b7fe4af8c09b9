"""All SQL about external identities."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.models.external_identity import ExternalIdentity
from aurum.models.user import User


class ExternalIdentityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, issuer: str, subject: str) -> ExternalIdentity | None:
        return await self.session.scalar(
            select(ExternalIdentity).where(
                ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject
            )
        )

    async def get_with_user(
        self, issuer: str, subject: str
    ) -> tuple[ExternalIdentity, User] | None:
        row = (
            await self.session.execute(
                select(ExternalIdentity, User)
                .join(User, ExternalIdentity.user_id == User.id)
                .where(ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject)
            )
        ).one_or_none()
        return None if row is None else (row[0], row[1])

    async def get_for_user(
        self, identity_id: uuid.UUID, user_id: uuid.UUID
    ) -> ExternalIdentity | None:
        return await self.session.scalar(
            select(ExternalIdentity).where(
                ExternalIdentity.id == identity_id, ExternalIdentity.user_id == user_id
            )
        )

    async def list_for_user(self, user_id: uuid.UUID) -> list[ExternalIdentity]:
        return list(
            await self.session.scalars(
                select(ExternalIdentity)
                .where(ExternalIdentity.user_id == user_id)
                .order_by(ExternalIdentity.created_at, ExternalIdentity.id)
            )
        )

    async def add(self, identity: ExternalIdentity) -> ExternalIdentity:
        self.session.add(identity)
        await self.session.flush()
        return identity

    async def touch(self, identity_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(ExternalIdentity)
            .where(ExternalIdentity.id == identity_id)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )

    async def delete(self, identity: ExternalIdentity) -> None:
        await self.session.delete(identity)
        await self.session.flush()
