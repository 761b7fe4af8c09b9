from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.app_state import AppStateDep
from aurum.auth.dependencies import Caller
from aurum.auth.repository import SessionRepository
from aurum.auth.scopes import RequireScopes
from aurum.db.session import SessionDep
from aurum.sessions.repository import UserSessionRepository
from aurum.sessions.service import SessionService
from aurum.users.repository import UserRepository


async def get_session_service(db: SessionDep, state: AppStateDep) -> SessionService:
    return SessionService(
        SessionRepository(db), UserSessionRepository(db), UserRepository(db), state.settings
    )


SessionServiceDep = Annotated[SessionService, Depends(get_session_service)]
# Admins, or service clients (e.g. a fraud-detection service) with the scope.
SessionReader = Annotated[Caller, Depends(RequireScopes("sessions:read", admins=True))]
SessionRevoker = Annotated[Caller, Depends(RequireScopes("sessions:write", admins=True))]
