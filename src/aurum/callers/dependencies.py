"""The typed aliases a route declares to say who may call it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.callers.authentication import (
    BearerAuthentication,
    UserAuthentication,
    browser_principal,
)
from aurum.callers.principals import BrowserPrincipal, Caller, Principal
from aurum.db.session import SessionDep
from aurum.errors import Forbidden
from aurum.models.user import User

CurrentCaller = Annotated[Caller, Depends(BearerAuthentication())]
CurrentPrincipal = Annotated[Principal, Depends(UserAuthentication())]


async def get_current_user(principal: CurrentPrincipal, db: SessionDep) -> User:
    """The signed-in user, attached to the request's session (changes to it are saved)."""
    return await db.merge(principal.user, load=False)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_admin_user(user: CurrentUser) -> User:
    if not user.is_admin:
        raise Forbidden
    return user


AdminUser = Annotated[User, Depends(get_admin_user)]

# Pages: the person signed in at this browser, or None (the page then asks them to sign in).
BrowserUser = Annotated[BrowserPrincipal | None, Depends(browser_principal)]
