"""Invitations: managers invite by email; the invited account accepts with the token."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from aurum.callers.dependencies import CurrentUser
from aurum.companies.dependencies import CompanyMemberManager, InvitationServiceDep
from aurum.companies.permissions import ROLE_PERMISSIONS
from aurum.companies.schemas import (
    CompanySummary,
    InvitationAccept,
    InvitationCreate,
    InvitationRead,
    Membership,
    PendingInvitation,
)
from aurum.pagination import MAX_CURSOR_LENGTH, Page

router = APIRouter(tags=["companies"])


@router.post("/companies/{company}/invitations", status_code=status.HTTP_201_CREATED)
async def invite(
    data: InvitationCreate, access: CompanyMemberManager, invitations: InvitationServiceDep
) -> InvitationRead:
    """Invite an email address to join with a role; the link is sent to that address."""
    invitation = await invitations.create(access, data)
    return InvitationRead.model_validate(invitation)


@router.get("/companies/{company}/invitations")
async def list_invitations(
    access: CompanyMemberManager,
    invitations: InvitationServiceDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
) -> Page[InvitationRead]:
    """Pending invitations, newest first (managers)."""
    page, next_cursor = await invitations.list_page(access, limit=limit, cursor=cursor)
    return Page(items=[InvitationRead.model_validate(i) for i in page], next_cursor=next_cursor)


@router.delete(
    "/companies/{company}/invitations/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def revoke_invitation(
    invitation_id: uuid.UUID, access: CompanyMemberManager, invitations: InvitationServiceDep
) -> Response:
    """Revoke a pending invitation (managers)."""
    await invitations.revoke(access, invitation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users/me/company-invitations")
async def my_invitations(
    user: CurrentUser, invitations: InvitationServiceDep
) -> list[PendingInvitation]:
    """Pending invitations to your email address, once you have confirmed it."""
    return [
        PendingInvitation(
            id=invitation.id,
            company=CompanySummary.model_validate(company),
            role=invitation.role,
            invited_by=invited_by,
            expires_at=invitation.expires_at,
        )
        for invitation, company, invited_by in await invitations.pending_for(user)
    ]


@router.post("/company-invitations/accept")
async def accept_invitation(
    data: InvitationAccept, user: CurrentUser, invitations: InvitationServiceDep
) -> Membership:
    """Accept an invitation with the token its email carried; your address must be confirmed."""
    member, company = await invitations.accept(user, data.token)
    return Membership(
        company=CompanySummary.model_validate(company),
        role=member.role,
        permissions=sorted(ROLE_PERMISSIONS[member.role]),
    )
