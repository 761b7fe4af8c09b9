"""UserInfo (OpenID Connect Core §5.3): claims about the signed-in person, by scope."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from aurum.callers.dependencies import CurrentPrincipal
from aurum.callers.scopes import InsufficientScope
from aurum.models.user import User

router = APIRouter(prefix="/oauth", tags=["oauth"])


class UserInfo(BaseModel):
    """`sub` always; `profile` and `email` claims when the token carries those scopes."""

    sub: str
    name: str | None = None
    preferred_username: str | None = None
    updated_at: int | None = None
    email: str | None = None
    email_verified: bool | None = None


def user_claims(user: User, scope: frozenset[str]) -> UserInfo:
    claims = UserInfo(sub=str(user.id))
    if "profile" in scope:
        claims.name = user.full_name or user.username
        claims.preferred_username = user.username
        claims.updated_at = int(user.updated_at.timestamp())
    if "email" in scope:
        claims.email = user.email
        claims.email_verified = user.email_verified_at is not None
    return claims


@router.get("/userinfo", response_model_exclude_none=True)
@router.post("/userinfo", response_model_exclude_none=True)
async def userinfo(principal: CurrentPrincipal) -> UserInfo:
    """The person an access token of the code flow stands for (it needs `openid`)."""
    if "openid" not in principal.claims.scope:
        raise InsufficientScope
    return user_claims(principal.user, principal.claims.scope)
