"""A company's members: list, read, change role, remove (or leave)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from aurum.companies.dependencies import (
    CompanyMemberManager,
    CompanyMemberViewer,
    MemberServiceDep,
)
from aurum.companies.schemas import MemberRead, MemberUpdate
from aurum.models.company import CompanyMember
from aurum.models.user import User
from aurum.pagination import MAX_CURSOR_LENGTH, Page

router = APIRouter(prefix="/companies/{company}/members", tags=["companies"])

Username = Annotated[str, Path(min_length=1, max_length=64)]


def _read(member: CompanyMember, user: User) -> MemberRead:
    return MemberRead(
        username=user.username,
        full_name=user.full_name,
        role=member.role,
        joined_at=member.created_at,
    )


@router.get("")
async def list_members(
    access: CompanyMemberViewer,
    members: MemberServiceDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
) -> Page[MemberRead]:
    """The company's members, by username (members only)."""
    page, next_cursor = await members.list_page(access, limit=limit, cursor=cursor)
    return Page(items=[_read(m, u) for m, u in page], next_cursor=next_cursor)


@router.get("/{username}")
async def read_member(
    username: Username, access: CompanyMemberViewer, members: MemberServiceDep
) -> MemberRead:
    """One member (members only)."""
    return _read(*await members.get(access, username))


@router.patch("/{username}")
async def change_member_role(
    username: Username,
    data: MemberUpdate,
    access: CompanyMemberManager,
    members: MemberServiceDep,
) -> MemberRead:
    """Change a member's role; only owners make or unmake owners, and one always remains."""
    return _read(*await members.change_role(access, username, data.role))


@router.delete("/{username}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(
    username: Username, access: CompanyMemberViewer, members: MemberServiceDep
) -> Response:
    """Remove a member (managers), or leave (yourself); the last owner cannot go."""
    await members.remove(access, username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
