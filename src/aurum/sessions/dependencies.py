from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.app_state import AppStateDep
from aurum.audit.dependencies import AuditLogDep
from aurum.callers.principals import Caller, ServicePrincipal
from aurum.callers.scopes import RequireScopes
from aurum.db.session import SessionDep
from aurum.session_store.repository import SessionRepository
from aurum.sessions.repository import UserSessionRepository
from aurum.sessions.service import Revoker, SessionService
from aurum.users.repository import UserRepository


async def get_session_service(
    db: SessionDep, state: AppStateDep, audit: AuditLogDep
) -> SessionService:
    return SessionService(
        SessionRepository(db), UserSessionRepository(db), UserRepository(db), state.settings, audit
    )


SessionServiceDep = Annotated[SessionService, Depends(get_session_service)]
# Admins, or service clients (e.g. a fraud-detection service) with the scope.
SessionReader = Annotated[Caller, Depends(RequireScopes("sessions:read", admins=True))]
SessionWriter = Annotated[Caller, Depends(RequireScopes("sessions:write", admins=True))]


async def get_session_revoker(caller: SessionWriter) -> Revoker:
    """An admin, or a service with `sessions:write`: who the audit log names."""
    if isinstance(caller, ServicePrincipal):
        return Revoker(client_id=caller.client_id)
    return Revoker(user_id=caller.user.id)


SessionRevoker = Annotated[Revoker, Depends(get_session_revoker)]
