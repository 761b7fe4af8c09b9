"""The answer to a sign-in or a rotation: an access token and the session's refresh token."""

from __future__ import annotations

import uuid

from aurum.auth.schemas import TokenResponse
from aurum.security.access_tokens import AccessTokenCodec


def token_pair(
    access_tokens: AccessTokenCodec,
    *,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    scope: str | None,
    client_id: str | None,
    refresh_token: str,
) -> TokenResponse:
    access_token, _ = access_tokens.issue(
        str(user_id), session_id=session_id, scope=scope or "", client_id=client_id
    )
    return TokenResponse(
        access_token=access_token,
        expires_in=int(access_tokens.ttl.total_seconds()),
        refresh_token=refresh_token,
    )
