"""Enrolling, checking and removing a second factor; finishing a challenged sign-in.

Never commits.
"""

from __future__ import annotations

import time

from aurum.account_tokens.service import AccountTokenService
from aurum.auth.schemas import TokenResponse
from aurum.auth.service import AuthService, ClientInfo
from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.mfa import totp
from aurum.mfa.errors import (
    InvalidMfaCode,
    InvalidMfaToken,
    MfaAlreadyEnabled,
    MfaEnrollmentNotStarted,
    MfaNotEnabled,
    MfaSignInCodeRejected,
)
from aurum.mfa.repository import MfaRepository
from aurum.mfa.schemas import MfaStatus, RecoveryCodes, TotpEnrollment
from aurum.models.account_token import TokenPurpose
from aurum.models.mfa import TotpCredential
from aurum.models.user import User
from aurum.security.passwords import PasswordHasher
from aurum.users.errors import WrongPassword
from aurum.users.repository import UserRepository

# Wrong codes one sign-in challenge takes before it is spent (then: password again).
MAX_CHALLENGE_ATTEMPTS = 5


class MfaService:
    def __init__(
        self,
        mfa: MfaRepository,
        users: UserRepository,
        passwords: PasswordHasher,
        secrets: totp.MfaSecrets,
        settings: Settings,
    ) -> None:
        self.mfa = mfa
        self.users = users
        self.passwords = passwords
        self.secrets = secrets
        self.settings = settings

    async def status(self, user: User) -> MfaStatus:
        return MfaStatus(
            totp_enabled=await self.mfa.is_enabled(user.id),
            recovery_codes_remaining=await self.mfa.count_recovery_codes(user.id),
        )

    async def start_enrollment(self, user: User, password: str) -> TotpEnrollment:
        """A new secret, pending until a code from it is confirmed; replaces a pending one."""
        await self._check_password(user, password)
        credential = await self.mfa.get_totp(user.id)
        if credential is not None and credential.confirmed_at is not None:
            raise MfaAlreadyEnabled
        secret = totp.new_secret()
        if credential is None:
            await self.mfa.add_totp(
                TotpCredential(user_id=user.id, secret=self.secrets.encrypt(secret))
            )
        else:
            credential.secret = self.secrets.encrypt(secret)
            credential.created_at = utcnow()
            credential.last_used_step = None
        uri = totp.provisioning_uri(secret, user.email, self.settings.totp_issuer)
        return TotpEnrollment(otpauth_uri=uri, secret=secret)

    async def confirm_enrollment(self, user: User, code: str) -> RecoveryCodes:
        credential = await self.mfa.get_totp(user.id)
        if credential is None or credential.confirmed_at is not None:
            raise MfaEnrollmentNotStarted
        if not await self._check_totp(credential, code):
            raise InvalidMfaCode
        credential.confirmed_at = utcnow()
        return await self._new_recovery_codes(user)

    async def regenerate_recovery_codes(
        self, user: User, password: str, code: str
    ) -> RecoveryCodes:
        """Fresh codes (the old ones stop working), after password and a current code."""
        await self._reauthenticate(user, password, code)
        return await self._new_recovery_codes(user)

    async def disable(self, user: User, password: str, code: str) -> None:
        await self._reauthenticate(user, password, code)
        await self.mfa.remove_all(user.id)

    async def verify(self, user: User, code: str) -> bool:
        """An authenticator code (each time step once) or an unused recovery code."""
        credential = await self.mfa.get_totp(user.id)
        if credential is None or credential.confirmed_at is None:
            return False
        if totp.looks_like_totp(code):
            return await self._check_totp(credential, code)
        code_hash = self.secrets.recovery_code_hash(code)
        return await self.mfa.claim_recovery_code(user.id, code_hash, utcnow())

    async def _reauthenticate(self, user: User, password: str, code: str) -> None:
        await self._check_password(user, password)
        if not await self.mfa.is_enabled(user.id):
            raise MfaNotEnabled
        if not await self.verify(user, code):
            raise InvalidMfaCode

    async def _check_password(self, user: User, password: str) -> None:
        stored = await self.users.get_with_password(user.id)
        hashed = stored.password_hash if stored is not None else None
        if not (await self.passwords.verify(password, hashed)).valid:
            raise WrongPassword

    async def _check_totp(self, credential: TotpCredential, code: str) -> bool:
        secret = self.secrets.decrypt(credential.secret)
        step = totp.matching_step(secret, code, time.time())
        return step is not None and await self.mfa.advance_step(credential.user_id, step)

    async def _new_recovery_codes(self, user: User) -> RecoveryCodes:
        codes = totp.new_recovery_codes()
        hashes = [self.secrets.recovery_code_hash(code) for code in codes]
        await self.mfa.replace_recovery_codes(user.id, hashes)
        return RecoveryCodes(recovery_codes=codes)


class MfaSignInService:
    """Exchanges a sign-in challenge and a code for tokens."""

    def __init__(self, mfa: MfaService, tokens: AccountTokenService, auth: AuthService) -> None:
        self.mfa = mfa
        self.tokens = tokens
        self.auth = auth

    async def complete(self, mfa_token: str, code: str, client: ClientInfo) -> TokenResponse:
        found = await self.tokens.find_live(mfa_token, TokenPurpose.MFA_LOGIN)
        if found is None:
            raise InvalidMfaToken
        challenge, user = found
        # A password changed since the challenge (a reset, say) voids it.
        if user.disabled or user.password_changed_at > challenge.created_at:
            raise InvalidMfaToken
        if not await self.mfa.verify(user, code):
            await self.tokens.record_failure(challenge, MAX_CHALLENGE_ATTEMPTS)
            raise MfaSignInCodeRejected
        if not await self.tokens.claim(challenge):
            raise InvalidMfaToken
        return await self.auth.start_session(user, client)
