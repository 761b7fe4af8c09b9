"""The sign-in services, built for the request's session."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from aurum.app_state import AppStateDep
from aurum.audit.repository import AuditRepository
from aurum.audit.service import AuditLog
from aurum.auth.browser import BrowserSignIn
from aurum.auth.browser_repository import BrowserSessionRepository
from aurum.auth.login_lookup import LoginLookup
from aurum.auth.mfa_challenge import MfaChallenger
from aurum.auth.rotation import TokenRotation
from aurum.auth.service import AuthService
from aurum.client_info import ClientInfoDep, client_info
from aurum.db.session import SessionDep
from aurum.session_store.repository import SessionRepository
from aurum.users.repository import UserRepository


async def get_auth_service(
    db: SessionDep, state: AppStateDep, client: ClientInfoDep
) -> AuthService:
    return AuthService(
        UserRepository(db),
        SessionRepository(db),
        state.passwords,
        state.access_tokens,
        state.settings,
        audit=AuditLog(AuditRepository(db), client),
        limiter=state.rate_limiter,
        lookup=LoginLookup(state.read_engine),
        second_factor=MfaChallenger.for_session(db, state.settings),
        autocommit=state.read_engine,
    )


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]


async def get_token_rotation(request: Request, db: SessionDep, state: AppStateDep) -> TokenRotation:
    # Only what a rotation uses: it runs far more often than any other sign-in step.
    return TokenRotation(
        SessionRepository(db),
        state.access_tokens,
        state.settings,
        audit=AuditLog(AuditRepository(db), client_info(request)),
        limiter=state.rate_limiter,
        engine=state.engine,
    )


TokenRotationDep = Annotated[TokenRotation, Depends(get_token_rotation)]


async def get_browser_sign_in(
    db: SessionDep, state: AppStateDep, client: ClientInfoDep
) -> BrowserSignIn:
    return BrowserSignIn(
        BrowserSessionRepository(db),
        SessionRepository(db),
        AuditLog(AuditRepository(db), client),
        state.settings,
    )


BrowserSignInDep = Annotated[BrowserSignIn, Depends(get_browser_sign_in)]
