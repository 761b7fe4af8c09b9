from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.auth.dependencies import AdminUser
from aurum.db.session import SessionDep
from aurum.users.repository import UserRepository
from aurum.xp.repository import XpRepository
from aurum.xp.schemas import XpAwarder
from aurum.xp.service import XpService


async def get_xp_awarder(admin: AdminUser) -> XpAwarder:
    # The one place that decides who awards XP: admins today; a service client with an
    # `xp:write` scope joins here (user_id None, name = its client id).
    return XpAwarder(user_id=admin.id, name=admin.username)


XpAwarderDep = Annotated[XpAwarder, Depends(get_xp_awarder)]


def get_xp_service(db: SessionDep) -> XpService:
    return XpService(XpRepository(db), UserRepository(db))


XpServiceDep = Annotated[XpService, Depends(get_xp_service)]
