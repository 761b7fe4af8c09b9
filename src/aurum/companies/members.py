"""Member rules: roles, at least one owner always, owners managed only by owners."""

from __future__ import annotations

from aurum.companies.errors import LastOwner, MemberNotFound
from aurum.companies.permissions import Permission
from aurum.companies.repository import CompanyRepository
from aurum.companies.service import CompanyAccess
from aurum.errors import Forbidden
from aurum.events.publish import publish
from aurum.events.types import EventType
from aurum.models.company import CompanyMember, CompanyRole
from aurum.models.user import User
from aurum.pagination import decode_cursor, encode_cursor


class MemberService:
    def __init__(self, companies: CompanyRepository) -> None:
        self.companies = companies

    async def list_page(
        self, access: CompanyAccess, *, limit: int, cursor: str | None
    ) -> tuple[list[tuple[CompanyMember, User]], str | None]:
        after = decode_cursor(cursor, (str,))[0] if cursor else None
        page = await self.companies.members(access.company.id, limit=limit + 1, after=after)
        if len(page) <= limit:
            return page, None
        _, last = page[limit - 1]
        return page[:limit], encode_cursor([last.username.lower()])

    async def get(self, access: CompanyAccess, username: str) -> tuple[CompanyMember, User]:
        found = await self.companies.member(access.company.id, username)
        if found is None:
            raise MemberNotFound
        return found

    async def change_role(
        self, access: CompanyAccess, username: str, role: CompanyRole
    ) -> tuple[CompanyMember, User]:
        access = await self._locked(access)
        self._require(access, Permission.MANAGE_MEMBERS)
        member, user = await self.get(access, username)
        if CompanyRole.OWNER in {member.role, role}:
            self._require(access, Permission.MANAGE_OWNERS)
        if member.role is CompanyRole.OWNER and role is not CompanyRole.OWNER:
            await self._keep_an_owner(access)
        previous = member.role
        member.role = role
        await self.companies.session.flush()
        if previous is not role:
            await publish(
                self.companies.session,
                EventType.COMPANY_MEMBER_ROLE_CHANGED,
                company_id=member.company_id,
                user_id=user.id,
                role=str(role),
                previous_role=str(previous),
            )
        return member, user

    async def remove(self, access: CompanyAccess, username: str) -> None:
        """Managers remove others; anyone may leave. The last owner stays."""
        access = await self._locked(access)
        member, user = await self.get(access, username)
        if user.id != access.user.id:
            self._require(access, Permission.MANAGE_MEMBERS)
            if member.role is CompanyRole.OWNER:
                self._require(access, Permission.MANAGE_OWNERS)
        if member.role is CompanyRole.OWNER:
            await self._keep_an_owner(access)
        await self.companies.delete_member(member)
        await publish(
            self.companies.session,
            EventType.COMPANY_MEMBER_REMOVED,
            company_id=access.company.id,
            user_id=user.id,
        )

    async def _locked(self, access: CompanyAccess) -> CompanyAccess:
        """Take the company's lock, then re-read the caller's role under it.

        Two owners demoting each other at once: the second one waits, then finds it is
        no longer allowed or would leave no owner.
        """
        await self.companies.lock(access.company.id)
        role = await self.companies.role_of(access.company.id, access.user.id)
        return CompanyAccess(access.company, access.user, role)

    async def _keep_an_owner(self, access: CompanyAccess) -> None:
        if await self.companies.count_owners(access.company.id) <= 1:
            raise LastOwner

    @staticmethod
    def _require(access: CompanyAccess, permission: Permission) -> None:
        if not access.can(permission):
            raise Forbidden
