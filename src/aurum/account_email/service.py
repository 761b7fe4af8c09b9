"""Email verification and password reset. Never commits."""

from __future__ import annotations

from aurum.account_email.errors import InvalidResetToken, InvalidVerificationToken
from aurum.account_mail.notices import AccountNotices
from aurum.account_tokens.service import AccountTokenService
from aurum.audit.events import AuditEventType
from aurum.audit.service import AuditLog
from aurum.client_info import ClientInfo
from aurum.db.base import utcnow
from aurum.models.account_token import TokenPurpose
from aurum.security.passwords import PasswordHasher
from aurum.session_store.repository import SessionRepository
from aurum.users.service import UserService


class AccountEmailService:
    def __init__(
        self,
        tokens: AccountTokenService,
        sessions: SessionRepository,
        users: UserService,
        passwords: PasswordHasher,
        notices: AccountNotices,
        audit: AuditLog,
    ) -> None:
        self.tokens = tokens
        self.sessions = sessions
        self.users = users
        self.passwords = passwords
        self.notices = notices
        self.audit = audit

    def request_password_reset(self, email: str, client: ClientInfo) -> None:
        """Queue a reset link; the lookup happens off the request path (no enumeration).

        The job records `password_reset.requested` (with `client`) when it sends a link."""
        self.notices.password_reset_requested(email, client)

    def request_verification(self, email: str) -> None:
        """Queue a new verification link for an unconfirmed address, the same way."""
        self.notices.verification_requested(email)

    async def confirm_password_reset(self, raw_token: str, new_password: str) -> None:
        """Set a new password; every session ends. The second factor still applies."""
        found = await self.tokens.find_live(raw_token, TokenPurpose.PASSWORD_RESET)
        if found is None:
            raise InvalidResetToken
        token, user = found
        # A link dies when the password changes after it was sent, or the address changes.
        if (
            user.disabled
            or token.email != user.email
            or user.password_changed_at > token.created_at
        ):
            raise InvalidResetToken
        # Checked before the link is spent, so a refused password does not waste it.
        self.users.check_password_rules(new_password, username=user.username, email=user.email)
        if not await self.tokens.claim(token):
            raise InvalidResetToken
        now = utcnow()
        user.password_hash = await self.passwords.hash(new_password)
        user.password_changed_at = user.updated_at = now
        # The link reached the inbox: that proves the address as well.
        user.email_verified_at = user.email_verified_at or now
        await self.tokens.spend_all(user, TokenPurpose.PASSWORD_RESET)
        await self.sessions.revoke_all_for_user(user.id, "password_reset")
        await self.audit.record(
            AuditEventType.PASSWORD_RESET_COMPLETED, actor_id=user.id, subject_id=user.id
        )

    async def confirm_verification(self, raw_token: str) -> None:
        found = await self.tokens.find_live(raw_token, TokenPurpose.EMAIL_VERIFICATION)
        if found is None:
            raise InvalidVerificationToken
        token, user = found
        if token.email != user.email or not await self.tokens.claim(token):
            raise InvalidVerificationToken
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()
            await self.audit.record(
                AuditEventType.EMAIL_VERIFIED, actor_id=user.id, subject_id=user.id
            )
        await self.tokens.spend_all(user, TokenPurpose.EMAIL_VERIFICATION)
