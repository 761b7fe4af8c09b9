"""Who is calling: bearer-token authentication and the typed dependency aliases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from aurum.app_state import AppStateDep
from aurum.auth.principal_repository import PrincipalRepository
from aurum.auth.repository import SessionRepository
from aurum.auth.service import AuthService, ClientInfo
from aurum.db.session import SessionDep
from aurum.errors import Forbidden, InvalidToken, NotAuthenticated
from aurum.models.user import User
from aurum.security.access_tokens import AccessClaims, TokenRejected
from aurum.users.repository import UserRepository

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/token", auto_error=False)

BearerToken = Annotated[str | None, Depends(oauth2_scheme)]


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    claims: AccessClaims

    @property
    def session_id(self) -> uuid.UUID | None:
        return self.claims.session_id


async def get_principal(token: BearerToken, state: AppStateDep, db: SessionDep) -> Principal:
    if not token:
        raise NotAuthenticated
    try:
        claims = await state.access_tokens.decode(token)
        user_id = uuid.UUID(claims.subject)
    except (TokenRejected, ValueError) as exc:
        raise InvalidToken from exc
    if claims.session_id is None:
        raise InvalidToken
    user = await PrincipalRepository(state.read_engine).get_active_user(user_id, claims.session_id)
    if user is None or user.disabled:
        raise InvalidToken
    # Loaded outside the request's transaction (a read that needs nothing else never
    # opens one); from here on it belongs to the request's session like any loaded row.
    user = await db.merge(user, load=False)
    return Principal(user=user, claims=claims)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_current_user(principal: CurrentPrincipal) -> User:
    return principal.user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_admin_user(user: CurrentUser) -> User:
    if not user.is_admin:
        raise Forbidden
    return user


AdminUser = Annotated[User, Depends(get_admin_user)]


async def get_client_info(request: Request) -> ClientInfo:
    return ClientInfo(
        user_agent=request.headers.get("user-agent"),
        ip_address=request.client.host if request.client else None,
    )


ClientInfoDep = Annotated[ClientInfo, Depends(get_client_info)]


async def get_auth_service(db: SessionDep, state: AppStateDep) -> AuthService:
    return AuthService(
        UserRepository(db),
        SessionRepository(db),
        state.passwords,
        state.access_tokens,
        state.settings,
    )


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]
