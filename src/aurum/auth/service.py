"""Sign-in, refresh-token rotation and sign-out. Never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from aurum.auth.errors import InvalidCredentials, InvalidRefreshToken, RefreshTokenReused
from aurum.auth.repository import SessionRepository
from aurum.auth.schemas import TokenResponse
from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.errors import InvalidToken, NotAuthenticated
from aurum.models.auth_session import AuthSession
from aurum.models.user import User
from aurum.security.access_tokens import AccessTokenCodec, TokenRejected
from aurum.security.opaque_tokens import new_token, token_digest
from aurum.security.passwords import PasswordHasher
from aurum.users.repository import UserRepository


@dataclass(frozen=True, slots=True)
class ClientInfo:
    user_agent: str | None
    ip_address: str | None


class AuthService:
    def __init__(
        self,
        users: UserRepository,
        sessions: SessionRepository,
        passwords: PasswordHasher,
        access_tokens: AccessTokenCodec,
        settings: Settings,
    ) -> None:
        self.users = users
        self.sessions = sessions
        self.passwords = passwords
        self.access_tokens = access_tokens
        self.settings = settings

    async def authenticate(self, login: str, password: str) -> User:
        """The same error, after the same work, for unknown, wrong and disabled accounts."""
        user = await self.users.get_for_login(login)
        check = await self.passwords.verify(password, user.password_hash if user else None)
        if user is None or not check.valid or user.disabled:
            raise InvalidCredentials
        if check.new_hash is not None:
            user.password_hash = check.new_hash
            await self.users.session.flush()
        return user

    async def login(self, login: str, password: str, client: ClientInfo) -> TokenResponse:
        user = await self.authenticate(login, password)
        return await self.start_session(user, client)

    async def start_session(
        self, user: User, client: ClientInfo, *, client_id: str | None = None, scope: str = ""
    ) -> TokenResponse:
        """A new sign-in; `client_id` and `scope` when it comes through an OAuth client."""
        now = utcnow()
        refresh_token = new_token()
        auth_session = AuthSession(
            id=uuid.uuid4(),
            user_id=user.id,
            created_at=now,
            last_used_at=now,
            expires_at=now + timedelta(days=self.settings.refresh_token_expire_days),
            user_agent=(client.user_agent or "")[:512] or None,
            ip_address=client.ip_address,
            client_id=client_id,
            scope=scope or None,
        )
        await self.sessions.add(auth_session, token_digest(refresh_token))
        return self._tokens(user, auth_session, refresh_token)

    async def refresh(self, refresh_token: str, *, client_id: str | None = None) -> TokenResponse:
        """Rotate; a session opened through an OAuth client is refreshed only by that client."""
        found = await self.sessions.find_refresh_token(token_digest(refresh_token))
        if found is None:
            raise InvalidRefreshToken
        token, auth_session, user = found
        if auth_session.client_id != client_id:
            raise InvalidRefreshToken
        now = utcnow()
        if auth_session.revoked_at is not None:
            raise InvalidRefreshToken
        if token.used_at is not None or not await self.sessions.claim_refresh_token(token.id, now):
            await self.sessions.revoke(auth_session.id, "refresh_token_reused")
            raise RefreshTokenReused
        idle_limit = auth_session.last_used_at + timedelta(
            days=self.settings.refresh_token_idle_days
        )
        if user.disabled or now >= auth_session.expires_at or now >= idle_limit:
            raise InvalidRefreshToken
        rotated = new_token()
        await self.sessions.add_refresh_token(auth_session.id, token_digest(rotated))
        await self.sessions.touch(auth_session.id, now)
        return self._tokens(user, auth_session, rotated)

    async def logout(self, *, access_token: str | None, refresh_token: str | None) -> None:
        if refresh_token:
            found = await self.sessions.find_refresh_token(token_digest(refresh_token))
            if found is not None:
                await self.sessions.revoke(found[1].id, "logout")
            return
        if not access_token:
            raise NotAuthenticated
        try:
            claims = await self.access_tokens.decode(access_token)
        except TokenRejected as exc:
            raise InvalidToken from exc
        if claims.session_id is not None:
            await self.sessions.revoke(claims.session_id, "logout")

    def _tokens(self, user: User, auth_session: AuthSession, refresh_token: str) -> TokenResponse:
        access_token, _ = self.access_tokens.issue(
            str(user.id),
            session_id=auth_session.id,
            scope=auth_session.scope or "",
            client_id=auth_session.client_id,
        )
        return TokenResponse(
            access_token=access_token,
            expires_in=int(self.access_tokens.ttl.total_seconds()),
            refresh_token=refresh_token,
        )
