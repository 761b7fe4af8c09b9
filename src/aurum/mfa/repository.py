"""All SQL about second factors."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from aurum.models.mfa import RecoveryCode, TotpCredential


class MfaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_totp(self, user_id: uuid.UUID) -> TotpCredential | None:
        return await self.session.scalar(
            select(TotpCredential)
            .where(TotpCredential.user_id == user_id)
            .options(undefer(TotpCredential.secret))
        )

    async def is_enabled(self, user_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(TotpCredential.user_id).where(
                TotpCredential.user_id == user_id, TotpCredential.confirmed_at.is_not(None)
            )
        )
        return found is not None

    async def add_totp(self, credential: TotpCredential) -> None:
        self.session.add(credential)
        await self.session.flush()

    async def advance_step(self, user_id: uuid.UUID, step: int) -> bool:
        """Record `step` as used; False when it (or a later one) was used already: a replay."""
        result = await self.session.execute(
            update(TotpCredential)
            .where(
                TotpCredential.user_id == user_id,
                or_(TotpCredential.last_used_step.is_(None), TotpCredential.last_used_step < step),
            )
            .values(last_used_step=step)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def replace_recovery_codes(self, user_id: uuid.UUID, code_hashes: list[str]) -> None:
        await self.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
        self.session.add_all(
            RecoveryCode(id=uuid.uuid4(), user_id=user_id, code_hash=code_hash)
            for code_hash in code_hashes
        )
        await self.session.flush()

    async def claim_recovery_code(self, user_id: uuid.UUID, code_hash: str, now: datetime) -> bool:
        result = await self.session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user_id,
                RecoveryCode.code_hash == code_hash,
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def count_recovery_codes(self, user_id: uuid.UUID) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        )
        return int(count or 0)

    async def remove_all(self, user_id: uuid.UUID) -> None:
        await self.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
        await self.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user_id))
