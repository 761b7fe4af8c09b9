"""The sign-in challenge: issued by `POST /token` when the account has a second factor."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from aurum.account_tokens.repository import AccountTokenRepository
from aurum.account_tokens.service import AccountTokenService
from aurum.auth.schemas import MfaRequired
from aurum.config import Settings
from aurum.models.account_token import TokenPurpose
from aurum.models.user import User


class MfaChallenger:
    def __init__(self, tokens: AccountTokenService, settings: Settings) -> None:
        self.tokens = tokens
        self.ttl = timedelta(minutes=settings.mfa_challenge_expire_minutes)

    @classmethod
    def for_session(cls, db: AsyncSession, settings: Settings) -> MfaChallenger:
        return cls(AccountTokenService(AccountTokenRepository(db)), settings)

    async def challenge(self, user: User) -> MfaRequired:
        token = await self.tokens.issue(user, TokenPurpose.MFA_LOGIN, self.ttl)
        return MfaRequired(mfa_token=token, expires_in=int(self.ttl.total_seconds()))
