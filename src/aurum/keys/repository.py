"""All SQL about signing keys beyond loading them (that is `security.keys.KeyStore`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.models.signing_key import SigningKey


class SigningKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def published_jwks(self) -> list[dict[str, Any]]:
        """Public JWKs of every key that is not retired, newest first."""
        rows = await self.session.scalars(
            select(SigningKey.public_jwk)
            .where(SigningKey.retired_at.is_(None))
            .order_by(SigningKey.created_at.desc())
        )
        return list(rows)

    async def list_all(self) -> list[SigningKey]:
        return list(await self.session.scalars(select(SigningKey).order_by(SigningKey.created_at)))

    async def get(self, kid: str) -> SigningKey | None:
        return await self.session.get(SigningKey, kid)

    async def has_live(self, algorithm: str) -> bool:
        """Whether `algorithm`'s chain has a key that is not retired."""
        live = (
            select(SigningKey.kid)
            .where(SigningKey.algorithm == algorithm, SigningKey.retired_at.is_(None))
            .limit(1)
        )
        return await self.session.scalar(live) is not None

    async def add(self, key: SigningKey) -> None:
        self.session.add(key)
        await self.session.flush()

    async def supersede_signers(self, algorithm: str, at: datetime) -> list[str]:
        """Every key of `algorithm`'s chain not yet superseded stops signing `at`; it still
        verifies after. Other chains are untouched."""
        rows = await self.session.scalars(
            update(SigningKey)
            .where(
                SigningKey.algorithm == algorithm,
                SigningKey.superseded_at.is_(None),
                SigningKey.retired_at.is_(None),
            )
            .values(superseded_at=at)
            .returning(SigningKey.kid)
            .execution_options(synchronize_session=False)
        )
        return list(rows)

    async def retire_superseded_before(self, cutoff: datetime, now: datetime) -> list[str]:
        rows = await self.session.scalars(
            update(SigningKey)
            .where(
                SigningKey.retired_at.is_(None),
                SigningKey.superseded_at.is_not(None),
                SigningKey.superseded_at <= cutoff,
            )
            .values(retired_at=now)
            .returning(SigningKey.kid)
            .execution_options(synchronize_session=False)
        )
        return list(rows)
