"""Issue and look up account tokens. Never commits."""

from __future__ import annotations

import uuid
from datetime import timedelta

from aurum.account_tokens.repository import AccountTokenRepository
from aurum.db.base import utcnow
from aurum.models.account_token import AccountToken, TokenPurpose
from aurum.models.user import User
from aurum.security.opaque_tokens import new_token, token_digest


class AccountTokenService:
    def __init__(self, tokens: AccountTokenRepository) -> None:
        self.tokens = tokens

    async def issue(
        self, user: User, purpose: TokenPurpose, ttl: timedelta, *, email: str | None = None
    ) -> str:
        """A new token for `user`; only its digest is stored."""
        raw = new_token()
        now = utcnow()
        await self.tokens.add(
            {
                "id": uuid.uuid4(),
                "user_id": user.id,
                "purpose": purpose,
                "token_hash": token_digest(raw),
                "email": email,
                "created_at": now,
                "expires_at": now + ttl,
                "used_at": None,
                "attempts": 0,
            }
        )
        return raw

    async def find_live(self, raw: str, purpose: TokenPurpose) -> tuple[AccountToken, User] | None:
        """The unspent, unexpired token and its user, if `raw` is one we issued."""
        found = await self.tokens.find(token_digest(raw), purpose)
        if found is None:
            return None
        token, user = found
        if token.used_at is not None or utcnow() >= token.expires_at:
            return None
        return token, user

    async def claim(self, token: AccountToken) -> bool:
        """Spend `token`; False when a concurrent request spent it first."""
        return await self.tokens.claim(token.id, utcnow())

    async def record_failure(self, token: AccountToken, max_attempts: int) -> None:
        await self.tokens.record_failure(token.id, max_attempts, utcnow())

    async def spend_all(self, user: User, purpose: TokenPurpose) -> None:
        """Spend every live token of `purpose` the user has (one was just used)."""
        await self.tokens.spend_all(user.id, purpose, utcnow())
