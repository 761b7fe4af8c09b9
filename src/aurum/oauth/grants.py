"""The token endpoint (RFC 6749): authorization code, client credentials, refresh token and
password grants."""

from __future__ import annotations

from aurum.auth.errors import InvalidCredentials, InvalidRefreshToken, RefreshTokenReused
from aurum.auth.rotation import TokenRotation
from aurum.auth.schemas import TokenResponse
from aurum.auth.service import LOGIN_PER_IP, AuthService
from aurum.client_info import ClientInfo
from aurum.models.oauth_client import OAuthClient
from aurum.oauth.client_auth import ClientCredentials, authenticate_client
from aurum.oauth.code_grant import CodeExchange
from aurum.oauth.errors import (
    InvalidCredentialsGrant,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    PasswordGrantDisabledGrant,
    ReusedRefreshTokenGrant,
    SecondFactorRequiredGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
)
from aurum.oauth.repository import ClientRepository
from aurum.oauth.schemas import GRANT_TYPES, OAuthTokenResponse, TokenRequest
from aurum.oauth.scopes import format_scope, parse_scope
from aurum.security.access_tokens import AccessTokenCodec
from aurum.security.opaque_tokens import token_digest
from aurum.security.rate_limiter import client_key
from aurum.session_store.repository import SessionRepository


def _requested_scope(request: TokenRequest, allowed: frozenset[str]) -> frozenset[str] | None:
    """The scope asked for (None if none was); invalid_scope beyond what is allowed."""
    if request.scope is None:
        return None
    scope = parse_scope(request.scope)
    if scope is None or not scope <= allowed:
        raise InvalidScope
    return scope


class GrantService:
    def __init__(
        self,
        clients: ClientRepository,
        sessions: SessionRepository,
        auth: AuthService,
        rotation: TokenRotation,
        access_tokens: AccessTokenCodec,
        codes: CodeExchange,
    ) -> None:
        self.clients = clients
        self.sessions = sessions
        self.auth = auth
        self.rotation = rotation
        self.access_tokens = access_tokens
        self.codes = codes

    async def token(
        self, request: TokenRequest, credentials: ClientCredentials, client_info: ClientInfo
    ) -> OAuthTokenResponse:
        if request.grant_type is None:
            raise InvalidRequest
        client = await authenticate_client(self.clients, credentials)
        if request.grant_type not in GRANT_TYPES:
            raise UnsupportedGrantType
        if request.grant_type not in client.grant_types:
            raise UnauthorizedClient
        if request.grant_type == "authorization_code":
            return await self.codes.exchange(request, client, client_info)
        if request.grant_type == "client_credentials":
            return self._client_credentials(request, client)
        if request.grant_type == "password":
            return await self._password(request, client, client_info)
        return await self._refresh_token(request, client)

    def _client_credentials(self, request: TokenRequest, client: OAuthClient) -> OAuthTokenResponse:
        """A service token: no user, no refresh token; by default every scope of the client."""
        allowed = frozenset(client.scopes)
        scope = format_scope(_requested_scope(request, allowed) or allowed)
        token, _ = self.access_tokens.issue(
            client.client_id, scope=scope, client_id=client.client_id
        )
        return OAuthTokenResponse(access_token=token, expires_in=self._ttl(), scope=scope)

    async def _password(
        self, request: TokenRequest, client: OAuthClient, client_info: ClientInfo
    ) -> OAuthTokenResponse:
        """First-party apps only: a user's sign-in through the client, scope recorded."""
        if not self.auth.settings.password_grant_enabled:
            raise PasswordGrantDisabledGrant
        if not client.first_party:
            raise UnauthorizedClient
        if request.username is None or request.password is None:
            raise InvalidRequest
        scope = format_scope(_requested_scope(request, frozenset(client.scopes)) or frozenset())
        # One budget of sign-in requests per address, whichever endpoint they use.
        await self.auth.limiter.hit("login.ip", client_key(client_info.ip_address), LOGIN_PER_IP)
        try:
            account = await self.auth.authenticate(request.username, request.password, client_info)
        except InvalidCredentials as exc:
            raise InvalidCredentialsGrant from exc
        if account.has_second_factor:
            raise SecondFactorRequiredGrant
        tokens = await self.auth.start_session(
            account.user, client_info, client_id=client.client_id, scope=scope
        )
        return self._response(tokens, scope, refreshable="refresh_token" in client.grant_types)

    async def _refresh_token(
        self, request: TokenRequest, client: OAuthClient
    ) -> OAuthTokenResponse:
        """Rotation, as at /refresh-token, bound to the client the session was issued to."""
        if request.refresh_token is None:
            raise InvalidRequest
        found = await self.sessions.find_refresh_token(token_digest(request.refresh_token))
        if found is None or found[1].client_id != client.client_id:
            raise InvalidGrant
        granted = parse_scope(found[1].scope) or frozenset()
        # A narrower scope may be asked for, but the session keeps what it was granted.
        _requested_scope(request, granted)
        try:
            tokens = await self.rotation.refresh(request.refresh_token, client_id=client.client_id)
        except RefreshTokenReused as exc:
            raise ReusedRefreshTokenGrant from exc
        except InvalidRefreshToken as exc:
            raise InvalidGrant from exc
        return self._response(tokens, format_scope(granted), refreshable=True)

    def _response(
        self, tokens: TokenResponse, scope: str, *, refreshable: bool
    ) -> OAuthTokenResponse:
        return OAuthTokenResponse(
            access_token=tokens.access_token,
            expires_in=tokens.expires_in,
            scope=scope,
            refresh_token=tokens.refresh_token if refreshable else None,
        )

    def _ttl(self) -> int:
        return int(self.access_tokens.ttl.total_seconds())
