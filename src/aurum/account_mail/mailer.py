"""What account mail jobs do: look the account up, issue its token, write the message.

They run in the background, each in its own transaction, so the request that asked for
them answers at once and in the same time whether or not the account exists.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.account_mail import messages
from aurum.account_mail.repository import AccountEmailRepository
from aurum.account_tokens.repository import AccountTokenRepository
from aurum.account_tokens.service import AccountTokenService
from aurum.audit.events import AuditEventType
from aurum.audit.repository import AuditRepository
from aurum.audit.service import AuditLog
from aurum.client_info import ClientInfo
from aurum.config import Settings
from aurum.models.account_token import TokenPurpose
from aurum.models.user import User


class AccountMailer:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings

    async def verification(self, user_id: uuid.UUID) -> EmailMessage | None:
        """A verification link for the account's current address, unless it is confirmed."""
        async with self.sessionmaker.begin() as db:
            user = await db.get(User, user_id)
            return await self._verification(db, user)

    async def verification_by_email(self, email: str) -> EmailMessage | None:
        async with self.sessionmaker.begin() as db:
            user = await AccountEmailRepository(db).get_user_by_email(email)
            return await self._verification(db, user)

    async def password_reset(
        self, email: str, client: ClientInfo | None = None
    ) -> EmailMessage | None:
        """A reset link, recorded in the audit log with the requester's `client` address.

        Only here, off the request path, is it known whether an account uses `email`."""
        async with self.sessionmaker.begin() as db:
            user = await AccountEmailRepository(db).get_user_by_email(email)
            if user is None or user.disabled:
                return None
            token = await AccountTokenService(AccountTokenRepository(db)).issue(
                user,
                TokenPurpose.PASSWORD_RESET,
                timedelta(minutes=self.settings.password_reset_expire_minutes),
                email=user.email,
            )
            await AuditLog(AuditRepository(db), client).record(
                AuditEventType.PASSWORD_RESET_REQUESTED, subject_id=user.id
            )
            return messages.password_reset(self.settings, user.email, token)

    async def registration_attempt(self, email: str) -> EmailMessage | None:
        return messages.registration_attempt(self.settings, email)

    async def email_changed(self, old_email: str, new_email: str) -> EmailMessage | None:
        return messages.email_changed(self.settings, old_email, new_email)

    async def mfa_reset(self, email: str) -> EmailMessage | None:
        return messages.mfa_reset(self.settings, email)

    async def _verification(self, db: AsyncSession, user: User | None) -> EmailMessage | None:
        if user is None or user.disabled or user.email_verified_at is not None:
            return None
        token = await AccountTokenService(AccountTokenRepository(db)).issue(
            user,
            TokenPurpose.EMAIL_VERIFICATION,
            timedelta(hours=self.settings.email_verification_expire_hours),
            email=user.email,
        )
        return messages.verification(self.settings, user.email, token)
