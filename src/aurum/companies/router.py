"""Companies (empresas): create, read, search, update, soft-delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from aurum.callers.dependencies import CurrentUser
from aurum.catalogs.schemas import CatalogId
from aurum.companies.dependencies import (
    CompanyDeleter,
    CompanyEditor,
    CompanyServiceDep,
    CompanyViewer,
)
from aurum.companies.invitations_router import router as invitations_router
from aurum.companies.members_router import router as members_router
from aurum.companies.permissions import ROLE_PERMISSIONS
from aurum.companies.schemas import (
    CompanyCreate,
    CompanyRead,
    CompanySummary,
    CompanyUpdate,
    Membership,
    RolePermissions,
)
from aurum.models.company import CompanyKind, PartnershipTier
from aurum.pagination import MAX_CURSOR_LENGTH, Page

router = APIRouter(tags=["companies"])

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)]


@router.post("/companies", status_code=status.HTTP_201_CREATED)
async def create_company(
    data: CompanyCreate, user: CurrentUser, companies: CompanyServiceDep
) -> CompanyRead:
    """Create a company; you become its owner."""
    return CompanyRead.model_validate(await companies.create(data, user))


@router.get("/companies")
async def list_companies(
    viewer: CurrentUser,
    companies: CompanyServiceDep,
    q: Annotated[str | None, Query(min_length=1, max_length=120)] = None,
    kind: CompanyKind | None = None,
    industry: Annotated[str | None, Query(max_length=100)] = None,
    city_id: Annotated[CatalogId | None, Query()] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    verified: bool | None = None,
    partnership_tier: PartnershipTier | None = None,
    active: Annotated[
        bool | None, Query(description="Admins only; others see active ones.")
    ] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[CompanyRead]:
    """Search companies by name (accents and case ignored) and filters, alphabetically."""
    filters = {
        "kind": kind,
        "industry": industry,
        "city_id": city_id,
        "country": country.upper() if country else None,
        "verified": verified,
        "partnership_tier": partnership_tier,
        "active": active,
    }
    page, next_cursor = await companies.list_page(
        viewer, limit=limit, cursor=cursor, q=q, filters=filters
    )
    return Page(items=[CompanyRead.model_validate(c) for c in page], next_cursor=next_cursor)


@router.get("/companies/roles")
async def company_roles() -> list[RolePermissions]:
    """The permission matrix: what each member role may do."""
    return [
        RolePermissions(role=role, permissions=sorted(permissions))
        for role, permissions in ROLE_PERMISSIONS.items()
    ]


@router.get("/companies/{company}")
async def read_company(access: CompanyViewer) -> CompanyRead:
    """One company by id or slug; an inactive one only for its members."""
    return CompanyRead.model_validate(access.company)


@router.patch("/companies/{company}")
async def update_company(
    data: CompanyUpdate, access: CompanyEditor, companies: CompanyServiceDep
) -> CompanyRead:
    """Change a company (members who may edit it; `verified` and tier: platform admins)."""
    return CompanyRead.model_validate(await companies.update(access, data))


@router.delete("/companies/{company}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_company(access: CompanyDeleter, companies: CompanyServiceDep) -> Response:
    """Soft-delete a company (owners)."""
    await companies.delete(access)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users/me/companies")
async def my_companies(
    user: CurrentUser, companies: CompanyServiceDep, limit: Limit = 20, cursor: Cursor = None
) -> Page[Membership]:
    """The companies you belong to, with your role and what it allows."""
    page, next_cursor = await companies.memberships(user, limit=limit, cursor=cursor)
    items = [
        Membership(
            company=CompanySummary.model_validate(company),
            role=member.role,
            permissions=sorted(ROLE_PERMISSIONS[member.role]),
        )
        for member, company in page
    ]
    return Page(items=items, next_cursor=next_cursor)


router.include_router(members_router)
router.include_router(invitations_router)
