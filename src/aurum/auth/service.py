"""Sign-in and sign-out. Never commits."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from aurum.audit.events import AuditEventType
from aurum.audit.service import AuditLog
from aurum.auth.errors import InvalidCredentials, PasswordGrantDisabled, SignInFailed
from aurum.auth.login_lookup import LoginAccount, LoginLookup
from aurum.auth.schemas import MfaRequired, TokenResponse
from aurum.auth.token_pair import token_pair
from aurum.client_info import ClientInfo
from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.errors import InvalidToken, NotAuthenticated
from aurum.events.publish import publish
from aurum.events.types import EventType
from aurum.metrics.instruments import instruments
from aurum.models.user import User
from aurum.security.access_tokens import AccessTokenCodec, TokenRejected
from aurum.security.login_throttle import Attempt, LoginThrottle
from aurum.security.opaque_tokens import new_token, token_digest
from aurum.security.passwords import PasswordHasher
from aurum.security.rate_limit_errors import TooManyFailedAttempts
from aurum.security.rate_limiter import RateLimiter
from aurum.session_store.repository import SessionRepository, open_session_alone
from aurum.users.repository import UserRepository

# Sign-in requests per client address, wherever they come in (/token, the password grant).
LOGIN_PER_IP = "60/minute;600/hour"


def _count_sign_in(outcome: str) -> None:
    instruments().sign_ins.labels(outcome).inc()


class SecondFactor(Protocol):
    async def challenge(self, user: User) -> MfaRequired:
        """The sign-in challenge of a user who has a second factor."""


class AuthService:
    def __init__(
        self,
        users: UserRepository,
        sessions: SessionRepository,
        passwords: PasswordHasher,
        access_tokens: AccessTokenCodec,
        settings: Settings,
        *,
        audit: AuditLog,
        limiter: RateLimiter,
        lookup: LoginLookup,
        second_factor: SecondFactor | None = None,
        autocommit: AsyncEngine | None = None,
    ) -> None:
        self.users = users
        self.sessions = sessions
        self.passwords = passwords
        self.access_tokens = access_tokens
        self.settings = settings
        self.second_factor = second_factor
        self.lookup = lookup
        self.audit = audit
        self.limiter = limiter
        self.autocommit = autocommit  # statements outside any transaction (see start_session)
        self.throttle = LoginThrottle(limiter, settings)

    async def authenticate(
        self, login: str, password: str, client: ClientInfo | None = None
    ) -> LoginAccount:
        """The same error, after the same work, for unknown, wrong and disabled accounts.

        Failures are counted (and throttled) per account, known or not; see LoginThrottle.
        The account's user is detached (attached to the request's session only to save a
        new hash).
        """
        found = await self.lookup(login)
        user = found.user if found else None
        account = self.throttle.account(user.id.hex if user else None, login)
        try:
            attempt = await self.throttle.begin(account, client.ip_address if client else None)
        except TooManyFailedAttempts:
            _count_sign_in("throttled")
            raise
        check = await self.passwords.verify(password, user.password_hash if user else None)
        if user is None or not check.valid or user.disabled:
            _count_sign_in(await self._record_failure(user, attempt, valid_password=check.valid))
            raise SignInFailed
        await self.throttle.succeeded(attempt)
        second_factor = found is not None and found.has_second_factor
        _count_sign_in("second_factor_required" if second_factor else "succeeded")
        if check.new_hash is not None:  # hashed with older parameters: store the new hash
            user = await self.users.session.merge(user, load=False)
            user.password_hash = check.new_hash
            await self.users.session.flush()
        return LoginAccount(user=user, has_second_factor=second_factor)

    async def _record_failure(
        self, user: User | None, attempt: Attempt, *, valid_password: bool
    ) -> str:
        """Record a failed sign-in (it counts toward throttling); returns why it failed."""
        lockout = await self.throttle.failed(attempt)
        subject = user.id if user else None
        reason = "unknown_account" if user is None else "wrong_password"
        if user is not None and valid_password:
            reason = "disabled"
        await self.audit.record(
            AuditEventType.SIGN_IN_FAILED, subject_id=subject, details={"reason": reason}
        )
        if lockout is not None:
            details: dict[str, str | int] = {
                "scope": lockout.scope,
                "retry_after": lockout.retry_after,
            }
            await self.audit.record(
                AuditEventType.SIGN_IN_LOCKED, subject_id=subject, details=details
            )
        return reason

    def check_password_grant(self) -> None:
        """The legacy password path (/token, /token/mfa) answers only while it is on."""
        if not self.settings.password_grant_enabled:
            raise PasswordGrantDisabled

    async def login(
        self, login: str, password: str, client: ClientInfo
    ) -> TokenResponse | MfaRequired:
        self.check_password_grant()
        step = await self.first_step(login, password, client)
        if isinstance(step, MfaRequired):
            return step
        return await self.start_session(step, client, alone=True)

    async def first_step(self, login: str, password: str, client: ClientInfo) -> User | MfaRequired:
        """The password step of any sign-in: the user, or the challenge of their second
        factor. The caller opens the session (tokens for the API, a cookie for pages)."""
        account = await self.authenticate(login, password, client)
        if account.has_second_factor and self.second_factor is not None:
            return await self.second_factor.challenge(account.user)
        return account.user

    async def start_session(
        self,
        user: User,
        client: ClientInfo,
        *,
        client_id: str | None = None,
        scope: str = "",
        second_factor: str | None = None,
        alone: bool = False,
        session_id: uuid.UUID | None = None,
    ) -> TokenResponse:
        """Sign `user` in (recorded as `sign_in.succeeded`): a new session and its tokens.

        `client_id` and `scope` when it comes through an OAuth client; `second_factor`
        names the one that completed a two-step sign-in (`totp`, `recovery_code`);
        `session_id` when the caller recorded the new session's id beforehand.
        `alone`: nothing else in the request's transaction must be kept or dropped with
        the session, so on PostgreSQL the one statement that opens it runs outside that
        transaction (without a BEGIN and a COMMIT around it)."""
        now = utcnow()
        refresh_token = new_token()
        session_id = session_id or uuid.uuid4()
        auth_session: dict[str, object] = {
            "id": session_id,
            "user_id": user.id,
            "created_at": now,
            "last_used_at": now,
            "expires_at": now + timedelta(days=self.settings.refresh_token_expire_days),
            "revoked_at": None,
            "revoked_reason": None,
            "user_agent": (client.user_agent or "")[:512] or None,
            "ip_address": client.ip_address,
            "client_id": client_id,
            "scope": scope or None,
        }
        details = {"session_id": str(session_id)}
        if second_factor is not None:
            details["second_factor"] = second_factor
        event = self.audit.entry(
            AuditEventType.SIGN_IN_SUCCEEDED, actor_id=user.id, subject_id=user.id, details=details
        )
        await self._open(auth_session, token_digest(refresh_token), event, alone=alone)
        return token_pair(
            self.access_tokens,
            user_id=user.id,
            session_id=session_id,
            scope=scope or None,
            client_id=client_id,
            refresh_token=refresh_token,
        )

    async def _open(
        self,
        auth_session: dict[str, object],
        token_hash: str,
        event: dict[str, object],
        *,
        alone: bool,
    ) -> None:
        postgresql = self.sessions.session.get_bind().dialect.name == "postgresql"
        try:
            if not (alone and postgresql and self.autocommit is not None):
                await self.sessions.open(auth_session, token_hash, event)
                return
            await open_session_alone(self.autocommit, auth_session, token_hash, event)
        except IntegrityError as exc:  # the account was deleted while its password was checked
            raise InvalidCredentials from exc

    async def logout(self, *, access_token: str | None, refresh_token: str | None) -> None:
        if refresh_token:
            found = await self.sessions.find_refresh_token(token_digest(refresh_token))
            if found is not None:
                await self._revoke_session(found[1].id, found[2].id)
            return
        if not access_token:
            raise NotAuthenticated
        try:
            claims = await self.access_tokens.decode(access_token)
        except TokenRejected as exc:
            raise InvalidToken from exc
        if claims.session_id is not None:
            await self._revoke_session(claims.session_id, uuid.UUID(claims.subject))

    async def _revoke_session(self, session_id: uuid.UUID, user_id: uuid.UUID) -> None:
        if await self.sessions.revoke(session_id, "logout"):
            await self.audit.record(
                AuditEventType.SESSION_REVOKED,
                actor_id=user_id,
                subject_id=user_id,
                details={"session_id": str(session_id), "reason": "logout"},
            )
            await publish(
                self.sessions.session,
                EventType.SESSION_REVOKED,
                user_id=user_id,
                session_id=session_id,
                reason="logout",
            )
