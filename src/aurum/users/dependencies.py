from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.account_mail.notices import AccountNotices
from aurum.app_state import AppStateDep
from aurum.audit.dependencies import AuditLogDep
from aurum.db.session import SessionDep
from aurum.session_store.repository import SessionRepository
from aurum.users.repository import UserReads, UserRepository
from aurum.users.service import UserService


async def get_user_service(db: SessionDep, state: AppStateDep, audit: AuditLogDep) -> UserService:
    notices = AccountNotices(db, state.jobs)
    return UserService(
        UserRepository(db),
        SessionRepository(db),
        state.passwords,
        state.settings,
        audit,
        notices,
        reads=UserReads(state.read_engine),
        autocommit=state.read_engine,
    )


UserServiceDep = Annotated[UserService, Depends(get_user_service)]
