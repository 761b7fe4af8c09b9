from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.app_state import AppStateDep
from aurum.auth.repository import SessionRepository
from aurum.db.session import SessionDep
from aurum.users.repository import UserRepository
from aurum.users.service import UserService


async def get_user_service(db: SessionDep, state: AppStateDep) -> UserService:
    return UserService(UserRepository(db), SessionRepository(db), state.passwords, state.settings)


UserServiceDep = Annotated[UserService, Depends(get_user_service)]
