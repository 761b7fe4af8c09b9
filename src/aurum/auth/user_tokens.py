"""Users as callers: who presents an access token of a sign-in session."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from aurum.auth.principal_repository import PrincipalRepository
from aurum.callers.authentication import our_claims
from aurum.callers.principals import Principal
from aurum.errors import InvalidToken
from aurum.security.access_tokens import AccessTokenCodec, is_service_token


class UserTokens:
    """Access tokens Aurum issued to a user, whose session is still live.

    No transaction and no ORM session: the hot path of every authenticated request is
    the token check (skipped for a token this process has verified before) and one
    autocommit read. The principal's user is detached; `CurrentUser` attaches it to the
    request's session for endpoints that change it.
    """

    def __init__(self, tokens: AccessTokenCodec, engine: AsyncEngine) -> None:
        self.tokens = tokens
        self.users = PrincipalRepository(engine)

    async def authenticate(self, token: str) -> Principal | None:
        claims = await our_claims(self.tokens, token)
        if claims is None or is_service_token(claims):
            return None
        try:
            user_id = uuid.UUID(claims.subject)
        except ValueError as exc:
            raise InvalidToken from exc
        if claims.session_id is None:
            raise InvalidToken
        user = await self.users.get_active_user(user_id, claims.session_id)
        if user is None or user.disabled:
            raise InvalidToken
        return Principal(user=user, claims=claims)
