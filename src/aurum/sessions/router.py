"""Sign-in sessions: your own, and (admins or scoped services) any user's."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from aurum.callers.dependencies import CurrentPrincipal
from aurum.sessions.dependencies import SessionReader, SessionRevoker, SessionServiceDep
from aurum.sessions.schemas import SessionPage
from aurum.sessions.service import Revoker

router = APIRouter(prefix="/users", tags=["sessions"])

NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.get("/me/sessions")
async def list_my_sessions(principal: CurrentPrincipal, sessions: SessionServiceDep) -> SessionPage:
    """Your live sessions (device, IP, created, last used); `current` marks this one."""
    items = await sessions.list(principal.user.id, current=principal.session_id)
    return SessionPage(items=items)


@router.post("/me/sessions/revoke-others", status_code=NO_CONTENT)
async def revoke_my_other_sessions(
    principal: CurrentPrincipal, sessions: SessionServiceDep
) -> Response:
    """Log out everywhere else: every session but this one ends."""
    await sessions.revoke_all(
        principal.user.id,
        "revoked_others",
        by=Revoker(user_id=principal.user.id),
        keep=principal.session_id,
    )
    return Response(status_code=NO_CONTENT)


@router.delete("/me/sessions", status_code=NO_CONTENT)
async def revoke_all_my_sessions(
    principal: CurrentPrincipal, sessions: SessionServiceDep
) -> Response:
    """Log out everywhere, this session included."""
    await sessions.revoke_all(
        principal.user.id, "logout_everywhere", by=Revoker(user_id=principal.user.id)
    )
    return Response(status_code=NO_CONTENT)


@router.delete("/me/sessions/{session_id}", status_code=NO_CONTENT)
async def revoke_my_session(
    session_id: uuid.UUID, principal: CurrentPrincipal, sessions: SessionServiceDep
) -> Response:
    """End one of your sessions (this one too, if you name it)."""
    await sessions.revoke(
        principal.user.id, session_id, "revoked_by_user", by=Revoker(user_id=principal.user.id)
    )
    return Response(status_code=NO_CONTENT)


@router.get("/{username}/sessions")
async def list_user_sessions(
    username: str, _: SessionReader, sessions: SessionServiceDep
) -> SessionPage:
    """A user's live sessions (admins, or services with `sessions:read`)."""
    user = await sessions.user(username)
    return SessionPage(items=await sessions.list(user.id, current=None))


@router.delete("/{username}/sessions", status_code=NO_CONTENT)
async def revoke_user_sessions(
    username: str, by: SessionRevoker, sessions: SessionServiceDep
) -> Response:
    """End every session of a user (admins, or services with `sessions:write`)."""
    user = await sessions.user(username)
    await sessions.revoke_all(user.id, "revoked_by_admin", by=by)
    return Response(status_code=NO_CONTENT)


@router.delete("/{username}/sessions/{session_id}", status_code=NO_CONTENT)
async def revoke_user_session(
    username: str, session_id: uuid.UUID, by: SessionRevoker, sessions: SessionServiceDep
) -> Response:
    """End one session of a user (admins, or services with `sessions:write`)."""
    user = await sessions.user(username)
    await sessions.revoke(user.id, session_id, "revoked_by_admin", by=by)
    return Response(status_code=NO_CONTENT)
