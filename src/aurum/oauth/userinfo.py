"""UserInfo (OpenID Connect Core §5.3): claims about the signed-in person, by scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from aurum.app_state import AppStateDep
from aurum.callers.dependencies import CurrentPrincipal
from aurum.callers.scopes import InsufficientScope
from aurum.oauth.user_claims import UserClaims, UserInfo

router = APIRouter(prefix="/oauth", tags=["oauth"])


async def get_user_claims(state: AppStateDep) -> UserClaims:
    return UserClaims(state.read_sessionmaker)


UserClaimsDep = Annotated[UserClaims, Depends(get_user_claims)]


@router.get("/userinfo", response_model_exclude_none=True)
@router.post("/userinfo", response_model_exclude_none=True)
async def userinfo(principal: CurrentPrincipal, claims: UserClaimsDep) -> UserInfo:
    """The person an access token of the code flow stands for (it needs `openid`)."""
    if "openid" not in principal.claims.scope:
        raise InsufficientScope
    return await claims.for_scope(principal.user, principal.claims.scope)
