from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.account_tokens.repository import AccountTokenRepository
from aurum.account_tokens.service import AccountTokenService
from aurum.app_state import AppStateDep
from aurum.auth.dependencies import AuthServiceDep
from aurum.db.session import SessionDep
from aurum.mfa.repository import MfaRepository
from aurum.mfa.service import MfaService, MfaSignInService
from aurum.mfa.totp import MfaSecrets
from aurum.users.repository import UserRepository


def get_mfa_service(db: SessionDep, state: AppStateDep) -> MfaService:
    return MfaService(
        MfaRepository(db),
        UserRepository(db),
        state.passwords,
        MfaSecrets(state.settings.secret_key.get_secret_value()),
        state.settings,
    )


MfaServiceDep = Annotated[MfaService, Depends(get_mfa_service)]


def get_mfa_sign_in_service(
    db: SessionDep, mfa: MfaServiceDep, auth: AuthServiceDep
) -> MfaSignInService:
    return MfaSignInService(mfa, AccountTokenService(AccountTokenRepository(db)), auth)


MfaSignInServiceDep = Annotated[MfaSignInService, Depends(get_mfa_sign_in_service)]
