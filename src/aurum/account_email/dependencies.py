from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.account_email.service import AccountEmailService
from aurum.account_mail.notices import AccountNotices
from aurum.account_tokens.repository import AccountTokenRepository
from aurum.account_tokens.service import AccountTokenService
from aurum.app_state import AppStateDep
from aurum.audit.dependencies import AuditLogDep
from aurum.db.session import SessionDep
from aurum.session_store.repository import SessionRepository
from aurum.users.dependencies import UserServiceDep


async def get_account_notices(db: SessionDep, state: AppStateDep) -> AccountNotices:
    return AccountNotices(db, state.jobs)


AccountNoticesDep = Annotated[AccountNotices, Depends(get_account_notices)]


async def get_account_email_service(
    db: SessionDep,
    state: AppStateDep,
    users: UserServiceDep,
    audit: AuditLogDep,
    notices: AccountNoticesDep,
) -> AccountEmailService:
    return AccountEmailService(
        AccountTokenService(AccountTokenRepository(db)),
        SessionRepository(db),
        users,
        state.passwords,
        notices,
        audit,
    )


AccountEmailServiceDep = Annotated[AccountEmailService, Depends(get_account_email_service)]
