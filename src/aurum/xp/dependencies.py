from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.callers.principals import Caller, Principal
from aurum.callers.scopes import RequireScopes
from aurum.db.session import SessionDep
from aurum.users.repository import UserRepository
from aurum.xp.repository import XpRepository
from aurum.xp.schemas import XpAwarder
from aurum.xp.service import XpService

XpWriter = Annotated[Caller, Depends(RequireScopes("xp:write", admins=True))]


async def get_xp_awarder(caller: XpWriter) -> XpAwarder:
    """The one place that decides who awards XP: admins, and service clients with xp:write."""
    if isinstance(caller, Principal):
        return XpAwarder(name=caller.user.username, user_id=caller.user.id)
    return XpAwarder(name=caller.client_id, client_id=caller.client_id)


XpAwarderDep = Annotated[XpAwarder, Depends(get_xp_awarder)]


async def get_xp_service(db: SessionDep) -> XpService:
    return XpService(XpRepository(db), UserRepository(db))


XpServiceDep = Annotated[XpService, Depends(get_xp_service)]
