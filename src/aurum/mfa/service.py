"""Enrolling, checking and removing a second factor; finishing a challenged sign-in.

Never commits.
"""

from __future__ import annotations

import time

from limits import RateLimitItem

from aurum.account_mail.notices import AccountNotices
from aurum.account_tokens.service import AccountTokenService
from aurum.audit.events import AuditEventType
from aurum.audit.service import AuditLog
from aurum.auth.schemas import TokenResponse
from aurum.auth.service import AuthService
from aurum.client_info import ClientInfo
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
from aurum.security.rate_limiter import RateLimiter, account_key
from aurum.session_store.repository import SessionRepository
from aurum.users.errors import UserNotFound, WrongPassword
from aurum.users.repository import UserRepository

# Wrong codes one sign-in challenge takes before it is spent (then: password again).
MAX_CHALLENGE_ATTEMPTS = 5
# Codes checked per account, right or wrong, wherever they are typed (the second step of
# signing in, enrolment, turning it off, new recovery codes): the bound on guessing, however
# many challenges a holder of the password asks for. Only holders of the password (or of a
# session and the password) reach it.
CODE_CHECKS = "mfa.account"
CODE_CHECKS_PER_ACCOUNT = "5/minute;50/day"


def code_method(code: str) -> str:
    """What kind of code was typed: `totp` (six digits) or `recovery_code`."""
    return "totp" if totp.looks_like_totp(code) else "recovery_code"


class MfaService:
    def __init__(
        self,
        mfa: MfaRepository,
        users: UserRepository,
        passwords: PasswordHasher,
        secrets: totp.MfaSecrets,
        settings: Settings,
        *,
        sessions: SessionRepository,
        limiter: RateLimiter,
        audit: AuditLog,
        notices: AccountNotices | None = None,
    ) -> None:
        self.mfa = mfa
        self.users = users
        self.passwords = passwords
        self.secrets = secrets
        self.settings = settings
        self.sessions = sessions
        self.limiter = limiter
        self.audit = audit
        self.notices = notices

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
        await self._take_code_check(user)
        if not await self._check_totp(credential, code):
            raise InvalidMfaCode
        credential.confirmed_at = utcnow()
        codes = await self._new_recovery_codes(user)
        await self.audit.record(AuditEventType.MFA_ENABLED, actor_id=user.id, subject_id=user.id)
        return codes

    async def regenerate_recovery_codes(
        self, user: User, password: str, code: str
    ) -> RecoveryCodes:
        """Fresh codes (the old ones stop working), after password and a current code."""
        await self._reauthenticate(user, password, code)
        codes = await self._new_recovery_codes(user)
        await self.audit.record(
            AuditEventType.MFA_RECOVERY_CODES_REGENERATED, actor_id=user.id, subject_id=user.id
        )
        return codes

    async def disable(self, user: User, password: str, code: str) -> None:
        await self._reauthenticate(user, password, code)
        await self.mfa.remove_all(user.id)
        await self.audit.record(
            AuditEventType.MFA_DISABLED,
            actor_id=user.id,
            subject_id=user.id,
            details={"reason": "by_user"},
        )

    async def reset(self, admin: User, username: str) -> None:
        """An administrator turns a user's second factor off (a lost phone).

        Every session of the user ends and the user is emailed; they sign in with the
        password alone until they enrol again."""
        user = await self.users.get_by_username(username)
        if user is None:
            raise UserNotFound
        if not await self.mfa.is_enabled(user.id):
            raise MfaNotEnabled
        await self.mfa.remove_all(user.id)
        await self.sessions.revoke_all_for_user(user.id, "mfa_reset")
        # A guesser may have spent the user's code checks; enrolling again needs one.
        await self.limiter.clear(self._code_check_limits(), *self._code_check_ids(user))
        await self.audit.record(
            AuditEventType.MFA_DISABLED,
            actor_id=admin.id,
            subject_id=user.id,
            details={"reason": "admin_reset"},
        )
        if self.notices is not None:
            self.notices.mfa_reset(user)

    async def verify(self, user: User, code: str) -> str | None:
        """The kind of code accepted (`totp`, `recovery_code`), or None if none was.

        An authenticator code works once per time step, a recovery code once; every check
        counts against the account's code checks (429 `rate_limited` when spent)."""
        credential = await self.mfa.get_totp(user.id)
        if credential is None or credential.confirmed_at is None:
            return None
        await self._take_code_check(user)
        method = code_method(code)
        if method == "totp":
            return method if await self._check_totp(credential, code) else None
        code_hash = self.secrets.recovery_code_hash(code)
        claimed = await self.mfa.claim_recovery_code(user.id, code_hash, utcnow())
        return method if claimed else None

    async def code_checks_wait(self, user: User) -> float:
        """Seconds until the account may have a code checked again; 0 when it may now."""
        return await self.limiter.wait_time(self._code_check_limits(), *self._code_check_ids(user))

    async def _take_code_check(self, user: User) -> None:
        await self.limiter.hit(*self._code_check_ids(user), CODE_CHECKS_PER_ACCOUNT)

    def _code_check_limits(self) -> list[RateLimitItem]:
        return self.limiter.limits_for(CODE_CHECKS, CODE_CHECKS_PER_ACCOUNT)

    @staticmethod
    def _code_check_ids(user: User) -> tuple[str, str]:
        """The counter's name and key: what `hit`, `wait_time` and `clear` are given."""
        return CODE_CHECKS, account_key(user.id.hex)

    async def _reauthenticate(self, user: User, password: str, code: str) -> None:
        await self._check_password(user, password)
        if not await self.mfa.is_enabled(user.id):
            raise MfaNotEnabled
        if await self.verify(user, code) is None:
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

    def __init__(
        self, mfa: MfaService, tokens: AccountTokenService, auth: AuthService, audit: AuditLog
    ) -> None:
        self.mfa = mfa
        self.tokens = tokens
        self.auth = auth
        self.audit = audit

    async def complete(self, mfa_token: str, code: str, client: ClientInfo) -> TokenResponse:
        self.auth.check_password_grant()
        user, method = await self.second_step(mfa_token, code)
        return await self.auth.start_session(user, client, second_factor=method)

    async def second_step(self, mfa_token: str, code: str) -> tuple[User, str]:
        """The challenge's user and the factor that answered it (`totp`, `recovery_code`);
        the challenge is spent. The caller opens the session."""
        found = await self.tokens.find_live(mfa_token, TokenPurpose.MFA_LOGIN)
        if found is None:
            raise InvalidMfaToken
        challenge, user = found
        # A password changed since the challenge (a reset, say) voids it.
        if user.disabled or user.password_changed_at > challenge.created_at:
            raise InvalidMfaToken
        method = await self.mfa.verify(user, code)
        if method is None:
            await self.tokens.record_failure(challenge, MAX_CHALLENGE_ATTEMPTS)
            await self._record_failure(user, code)
            raise MfaSignInCodeRejected
        if not await self.tokens.claim(challenge):
            raise InvalidMfaToken
        return user, method

    async def _record_failure(self, user: User, code: str) -> None:
        """A wrong code means the password was right: worth an event (kept on error)."""
        await self.audit.record(
            AuditEventType.SIGN_IN_MFA_FAILED,
            subject_id=user.id,
            details={"method": code_method(code)},
        )
        wait = await self.mfa.code_checks_wait(user)
        if wait > 0:
            details: dict[str, str | int] = {"scope": "mfa_account", "retry_after": round(wait)}
            await self.audit.record(
                AuditEventType.SIGN_IN_LOCKED, subject_id=user.id, details=details
            )
