"""How requests reach the single sign-on service; the hook used by `get_caller`."""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.app_state import AppState, AppStateDep
from aurum.db.session import SessionDep
from aurum.sso.repository import ExternalIdentityRepository
from aurum.sso.service import ExternalIdentityService, ExternalSignIn
from aurum.users.repository import UserRepository


def is_aurum_token(token: str, state: AppState) -> bool:
    """Ours: a JWT signed with one of our keys or naming us as issuer (unverified here;
    the access-token codec verifies it). Anything else may belong to the SSO provider."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return False
    kid = header.get("kid")
    return (isinstance(kid, str) and state.keys.get(kid) is not None) or claims.get(
        "iss"
    ) == state.settings.issuer


def _service(db: AsyncSession, state: AppState) -> ExternalIdentityService:
    return ExternalIdentityService(
        ExternalIdentityRepository(db),
        UserRepository(db),
        state.passwords,
        state.settings,
        state.sso,
    )


async def authenticate_external_token(
    token: str, state: AppState, db: AsyncSession
) -> ExternalSignIn | None:
    """The user behind a token of the SSO provider; None when SSO is off or the token is
    one of ours (then the caller checks it as an Aurum access token)."""
    if state.sso is None or is_aurum_token(token, state):
        return None
    return await _service(db, state).authenticate(token)


async def get_external_identity_service(
    db: SessionDep, state: AppStateDep
) -> ExternalIdentityService:
    return _service(db, state)


ExternalIdentityServiceDep = Annotated[
    ExternalIdentityService, Depends(get_external_identity_service)
]
