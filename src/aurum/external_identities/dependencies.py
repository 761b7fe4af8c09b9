"""How requests reach the account links, and the authenticator of the provider's tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.app_state import AppState, AppStateDep
from aurum.callers.principals import LinkedPrincipal
from aurum.db.session import SessionDep
from aurum.external_identities.repository import ExternalIdentityRepository
from aurum.external_identities.service import ExternalIdentityService
from aurum.users.repository import UserRepository


def _service(db: AsyncSession, state: AppState) -> ExternalIdentityService:
    return ExternalIdentityService(
        ExternalIdentityRepository(db),
        UserRepository(db),
        state.passwords,
        state.settings,
        state.sso,
    )


class SsoTokens:
    """Tokens of the single sign-on provider: the user they belong to (linked or created).

    Tried after Aurum's own authenticators, so every token that reaches it is another
    issuer's. Signing in may create or link the account: its own transaction, committed
    whatever the request then does."""

    def __init__(self, state: AppState) -> None:
        self.state = state

    async def authenticate(self, token: str) -> LinkedPrincipal:
        async with self.state.sessionmaker.begin() as db:
            return await _service(db, self.state).authenticate(token)


async def get_external_identity_service(
    db: SessionDep, state: AppStateDep
) -> ExternalIdentityService:
    return _service(db, state)


ExternalIdentityServiceDep = Annotated[
    ExternalIdentityService, Depends(get_external_identity_service)
]
