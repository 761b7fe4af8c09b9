"""RFC 7662 introspection and RFC 7009 revocation, for authenticated clients."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.audit.events import AuditEventType
from aurum.audit.service import AuditLog
from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.events.publish import publish
from aurum.events.types import EventType
from aurum.models.auth_session import AuthSession, RefreshToken
from aurum.models.oauth_client import OAuthClient
from aurum.models.user import User
from aurum.oauth.client_auth import ClientCredentials, authenticate_client, check_client
from aurum.oauth.errors import InvalidRequest, UnauthorizedClient
from aurum.oauth.repository import ClientRepository, IntrospectionReads
from aurum.oauth.scopes import format_scope
from aurum.security.access_tokens import (
    AccessClaims,
    AccessTokenCodec,
    TokenRejected,
    is_service_token,
)
from aurum.security.opaque_tokens import token_digest
from aurum.session_store.repository import SessionRepository

INACTIVE: dict[str, object] = {"active": False}
REFRESH_TOKEN_TYPE = "refresh_token"  # noqa: S105 - a type name, not a secret


def _looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


async def _decode(access_tokens: AccessTokenCodec, token: str) -> AccessClaims | None:
    """The claims of one of our valid access tokens; None for anything else."""
    if not _looks_like_jwt(token):
        return None
    try:
        return await access_tokens.decode(token)
    except TokenRejected:
        return None


class TokenIntrospection:
    """Reads only, outside any transaction: an access token costs one autocommit round
    trip (the caller and the token's session or client in one statement)."""

    def __init__(
        self,
        reads: IntrospectionReads,
        read_sessionmaker: async_sessionmaker[AsyncSession],
        access_tokens: AccessTokenCodec,
        settings: Settings,
    ) -> None:
        self.reads = reads
        self.read_sessionmaker = read_sessionmaker
        self.access_tokens = access_tokens
        self.settings = settings

    async def introspect(
        self, credentials: ClientCredentials, token: str | None
    ) -> dict[str, object]:
        """The token's claims if it is active; only `{"active": false}` otherwise."""
        if token is None:
            raise InvalidRequest
        claims = await _decode(self.access_tokens, token)
        if claims is not None and is_service_token(claims):
            return await self._service_token(credentials, claims)
        if claims is not None and claims.session_id is not None:
            return await self._user_token(credentials, claims)
        async with self.read_sessionmaker() as db:
            await authenticate_client(ClientRepository(db), credentials)
            if claims is None and not _looks_like_jwt(token):
                return await self._refresh_token(SessionRepository(db), token)
        return INACTIVE

    async def _user_token(
        self, credentials: ClientCredentials, claims: AccessClaims
    ) -> dict[str, object]:
        assert claims.session_id is not None  # noqa: S101 - checked by the caller
        found = await self.reads.caller_and_session(credentials.client_id, claims.session_id)
        check_client(found[0] if found else None, credentials)
        assert found is not None  # noqa: S101 - check_client raised otherwise
        holder = found[1]
        if holder is None or holder.disabled or str(holder.user_id) != claims.subject:
            return INACTIVE
        return self._access_claims(claims, username=holder.username)

    async def _service_token(
        self, credentials: ClientCredentials, claims: AccessClaims
    ) -> dict[str, object]:
        assert claims.client_id is not None  # noqa: S101 - a service token names its client
        found = await self.reads.caller_and_service_client(
            credentials.client_id, claims.client_id, claims.jti
        )
        check_client(found[0] if found else None, credentials)
        assert found is not None  # noqa: S101 - check_client raised otherwise
        scopes = found[1]
        if scopes is None:
            return INACTIVE
        return self._access_claims(claims, scope=claims.scope & frozenset(scopes))

    def _access_claims(
        self,
        claims: AccessClaims,
        *,
        username: str | None = None,
        scope: frozenset[str] | None = None,
    ) -> dict[str, object]:
        raw = claims.raw
        response: dict[str, object] = {
            "active": True,
            "scope": format_scope(claims.scope if scope is None else scope),
            "client_id": claims.client_id,
            "username": username,
            "token_type": "Bearer",
            **{name: raw.get(name) for name in ("exp", "iat", "nbf", "sub", "aud", "iss", "jti")},
        }
        return {name: value for name, value in response.items() if value is not None}

    async def _refresh_token(self, sessions: SessionRepository, token: str) -> dict[str, object]:
        found = await sessions.find_refresh_token(token_digest(token))
        if found is None:
            return INACTIVE
        refresh_token, auth_session, user = found
        expires_at = self._refresh_expiry(auth_session)
        if (
            refresh_token.used_at is not None
            or auth_session.revoked_at is not None
            or user.disabled
            or utcnow() >= expires_at
        ):
            return INACTIVE
        return self._refresh_claims(refresh_token, auth_session, user, expires_at)

    def _refresh_expiry(self, auth_session: AuthSession) -> datetime:
        idle = auth_session.last_used_at + timedelta(days=self.settings.refresh_token_idle_days)
        return min(auth_session.expires_at, idle)

    def _refresh_claims(
        self, token: RefreshToken, auth_session: AuthSession, user: User, expires_at: datetime
    ) -> dict[str, object]:
        response: dict[str, object] = {
            "active": True,
            "scope": auth_session.scope or "",
            # As the session's access tokens say (RFC 9068 §2.2): a sign-in made without
            # a client is the built-in first-party client's.
            "client_id": auth_session.client_id or self.settings.first_party_client_id,
            "username": user.username,
            "token_type": REFRESH_TOKEN_TYPE,
            "exp": int(expires_at.timestamp()),
            "iat": int(token.created_at.timestamp()),
            "sub": str(user.id),
            "iss": self.access_tokens.issuer,
        }
        return {name: value for name, value in response.items() if value is not None}


class TokenRevocation:
    """RFC 7009: ends sessions and service tokens, in the request's transaction."""

    def __init__(
        self,
        clients: ClientRepository,
        sessions: SessionRepository,
        access_tokens: AccessTokenCodec,
        audit: AuditLog,
    ) -> None:
        self.clients = clients
        self.sessions = sessions
        self.access_tokens = access_tokens
        self.audit = audit

    async def revoke(self, credentials: ClientCredentials, token: str | None) -> None:
        """Ends the token's session (or the service token); unknown tokens are no error."""
        if token is None:
            raise InvalidRequest
        client = await authenticate_client(self.clients, credentials)
        claims = await _decode(self.access_tokens, token)
        if claims is not None and is_service_token(claims):
            if claims.client_id != client.client_id:
                raise UnauthorizedClient
            expires_at = datetime.fromtimestamp(claims.expires_at, UTC)
            if await self.clients.revoke_token(claims.jti, client.client_id, expires_at):
                await self.audit.record(
                    AuditEventType.SERVICE_TOKEN_REVOKED,
                    details={"client_id": client.client_id, "jti": claims.jti},
                )
            return
        auth_session = await self._session_of(token, claims)
        if auth_session is None or auth_session.revoked_at is not None:
            return
        if not _may_revoke(client, auth_session):
            raise UnauthorizedClient
        if await self.sessions.revoke(auth_session.id, "revoked_by_client"):
            details = {
                "session_id": str(auth_session.id),
                "reason": "revoked_by_client",
                "client_id": client.client_id,
            }
            await self.audit.record(
                AuditEventType.SESSION_REVOKED, subject_id=auth_session.user_id, details=details
            )
            await publish(
                self.sessions.session,
                EventType.SESSION_REVOKED,
                user_id=auth_session.user_id,
                **details,
            )

    async def _session_of(self, token: str, claims: AccessClaims | None) -> AuthSession | None:
        if claims is not None and claims.session_id is not None:
            return await self.sessions.get(claims.session_id)
        if claims is None and not _looks_like_jwt(token):
            found = await self.sessions.find_refresh_token(token_digest(token))
            return None if found is None else found[1]
        return None


def _may_revoke(client: OAuthClient, auth_session: AuthSession) -> bool:
    """A client revokes what was issued to it; first-party apps also plain sign-ins."""
    if auth_session.client_id is None:
        return client.first_party
    return auth_session.client_id == client.client_id
