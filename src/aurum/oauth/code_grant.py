"""The authorization code grant (RFC 6749 §4.1.3, RFC 7636, OpenID Connect Core §3.1.3)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid

from aurum.auth.browser_repository import BrowserSessionRepository
from aurum.auth.service import AuthService
from aurum.client_info import ClientInfo
from aurum.db.base import utcnow
from aurum.models.oauth_client import OAuthClient
from aurum.oauth.authorization_repository import AuthorizationRepository
from aurum.oauth.errors import InvalidGrant, InvalidRequest, ReusedCodeGrant
from aurum.oauth.schemas import OAuthTokenResponse, TokenRequest
from aurum.oauth.scopes import parse_scope
from aurum.security.id_tokens import IdTokens
from aurum.security.opaque_tokens import token_digest
from aurum.session_store.repository import SessionRepository

# RFC 7636 §4.1: 43 to 128 unreserved characters.
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


def pkce_matches(verifier: str, challenge: str) -> bool:
    """S256: BASE64URL(SHA256(verifier)) is the challenge (compared in constant time)."""
    if not _VERIFIER.match(verifier):
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(computed, challenge)


class CodeExchange:
    def __init__(
        self,
        grants: AuthorizationRepository,
        browser: BrowserSessionRepository,
        sessions: SessionRepository,
        auth: AuthService,
        id_tokens: IdTokens,
    ) -> None:
        self.grants = grants
        self.browser = browser
        self.sessions = sessions
        self.auth = auth
        self.id_tokens = id_tokens

    async def exchange(
        self, request: TokenRequest, client: OAuthClient, client_info: ClientInfo
    ) -> OAuthTokenResponse:
        """Tokens for a code: once, within its minute, for its client, redirect URI and
        PKCE verifier. A code presented again revokes what it gave (RFC 6749 §4.1.2)."""
        if not (request.code and request.redirect_uri and request.code_verifier):
            raise InvalidRequest
        code_hash = token_digest(request.code)
        code = await self.grants.get_code(code_hash)
        if code is None or code.client_id != client.client_id:
            raise InvalidGrant
        now = utcnow()
        if code.used_at is not None:
            if code.issued_session_id is not None:
                await self.sessions.revoke(code.issued_session_id, "code_reused")
            raise ReusedCodeGrant
        if (
            code.expires_at <= now
            or code.redirect_uri != request.redirect_uri
            or not pkce_matches(request.code_verifier, code.code_challenge)
        ):
            raise InvalidGrant
        session_id = uuid.uuid4()  # of the tokens: a replay of the code revokes it
        if not await self.grants.claim_code(code_hash, now, session_id):
            raise ReusedCodeGrant  # a concurrent exchange of the same code won
        live = await self.browser.get_live(code.browser_session_id)
        if live is None or live.user.disabled:
            raise InvalidGrant  # signed out (or disabled) since the code was issued
        user = live.user
        scope = parse_scope(code.scope) or frozenset()
        tokens = await self.auth.start_session(
            user, client_info, client_id=client.client_id, scope=code.scope, session_id=session_id
        )
        id_token = None
        if "openid" in scope:
            id_token = await self.id_tokens.issue(
                algorithm=client.id_token_signed_response_alg,
                subject=user.id,
                client_id=client.client_id,
                session_id=live.session_id,
                auth_time=live.auth_time,
                amr=live.amr,
                nonce=code.nonce,
            )
        refreshable = "offline_access" in scope and "refresh_token" in client.grant_types
        return OAuthTokenResponse(
            access_token=tokens.access_token,
            expires_in=tokens.expires_in,
            scope=code.scope,
            refresh_token=tokens.refresh_token if refreshable else None,
            id_token=id_token,
        )
