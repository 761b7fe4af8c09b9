from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.account_mail.notices import AccountNotices
from aurum.account_tokens.repository import AccountTokenRepository
from aurum.account_tokens.service import AccountTokenService
from aurum.app_state import AppStateDep
from aurum.audit.dependencies import AuditLogDep
from aurum.auth.dependencies import AuthServiceDep
from aurum.db.session import SessionDep
from aurum.mfa.repository import MfaRepository
from aurum.mfa.service import MfaService, MfaSignInService
from aurum.mfa.totp import MfaSecrets
from aurum.session_store.repository import SessionRepository
from aurum.users.repository import UserRepository


async def get_mfa_service(db: SessionDep, state: AppStateDep, audit: AuditLogDep) -> MfaService:
    return MfaService(
        MfaRepository(db),
        UserRepository(db),
        state.passwords,
        MfaSecrets(state.settings.secret_key.get_secret_value()),
        state.settings,
        sessions=SessionRepository(db),
        limiter=state.rate_limiter,
        audit=audit,
        notices=AccountNotices(db, state.jobs),
    )


MfaServiceDep = Annotated[MfaService, Depends(get_mfa_service)]


async def get_mfa_sign_in_service(
    db: SessionDep, mfa: MfaServiceDep, auth: AuthServiceDep, audit: AuditLogDep
) -> MfaSignInService:
    return MfaSignInService(mfa, AccountTokenService(AccountTokenRepository(db)), auth, audit)


MfaSignInServiceDep = Annotated[MfaSignInService, Depends(get_mfa_sign_in_service)]
