"""Company services and access: `CompanyViewer`, `CompanyMemberViewer`, `CompanyManager`…"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Path

from aurum.app_state import AppStateDep
from aurum.callers.dependencies import CurrentUser
from aurum.catalogs.repository import CatalogRepository
from aurum.companies.invitation_mail import InvitationNotices
from aurum.companies.invitations import InvitationService
from aurum.companies.members import MemberService
from aurum.companies.permissions import Permission
from aurum.companies.repository import CompanyRepository
from aurum.companies.service import CompanyAccess, CompanyService
from aurum.db.session import SessionDep


async def get_company_service(db: SessionDep) -> CompanyService:
    return CompanyService(CompanyRepository(db), CatalogRepository(db))


async def get_member_service(db: SessionDep) -> MemberService:
    return MemberService(CompanyRepository(db))


async def get_invitation_service(db: SessionDep, state: AppStateDep) -> InvitationService:
    ttl = timedelta(days=state.settings.company_invitation_expire_days)
    notices = InvitationNotices(db, state.jobs)
    return InvitationService(CompanyRepository(db), ttl, notices, state.rate_limiter)


CompanyServiceDep = Annotated[CompanyService, Depends(get_company_service)]
MemberServiceDep = Annotated[MemberService, Depends(get_member_service)]
InvitationServiceDep = Annotated[InvitationService, Depends(get_invitation_service)]

CompanyRef = Annotated[
    str, Path(min_length=1, max_length=64, description="The company's id or slug.")
]


def company_access(
    permission: Permission | None,
) -> Callable[[CompanyRef, CurrentUser, CompanyServiceDep], Awaitable[CompanyAccess]]:
    """Resolve `{company}` for the caller: 404 to outsiders, 403 without `permission`."""

    async def dependency(
        company: CompanyRef, user: CurrentUser, companies: CompanyServiceDep
    ) -> CompanyAccess:
        return await companies.access(company, user, permission)

    return dependency


CompanyViewer = Annotated[CompanyAccess, Depends(company_access(None))]
CompanyMemberViewer = Annotated[CompanyAccess, Depends(company_access(Permission.VIEW_MEMBERS))]
CompanyMemberManager = Annotated[CompanyAccess, Depends(company_access(Permission.MANAGE_MEMBERS))]
CompanyEditor = Annotated[CompanyAccess, Depends(company_access(Permission.EDIT_COMPANY))]
CompanyDeleter = Annotated[CompanyAccess, Depends(company_access(Permission.DELETE_COMPANY))]
