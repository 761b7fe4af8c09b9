"""Invitations: single-use, expiring tokens, stored only as a hash, for one email."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from aurum.companies.errors import (
    AlreadyMember,
    InvalidInvitation,
    InvitationNotForYou,
    InvitationNotFound,
)
from aurum.companies.permissions import Permission
from aurum.companies.repository import CompanyRepository
from aurum.companies.schemas import InvitationCreate
from aurum.companies.service import CompanyAccess
from aurum.db.base import utcnow
from aurum.errors import Forbidden
from aurum.models.company import Company, CompanyInvitation, CompanyMember, CompanyRole
from aurum.models.user import User
from aurum.pagination import decode_cursor, encode_cursor
from aurum.security.opaque_tokens import new_token, token_digest


class InvitationService:
    def __init__(self, companies: CompanyRepository, ttl: timedelta) -> None:
        self.companies = companies
        self.ttl = ttl

    async def create(
        self, access: CompanyAccess, data: InvitationCreate
    ) -> tuple[CompanyInvitation, str]:
        """A new invitation and its token; a pending one to the same email is replaced."""
        if data.role is CompanyRole.OWNER and not access.can(Permission.MANAGE_OWNERS):
            raise Forbidden
        if await self.companies.is_member_by_email(access.company.id, data.email):
            raise AlreadyMember
        now = utcnow()
        await self.companies.revoke_invitations(access.company.id, now, email=data.email)
        token = new_token()
        invitation = CompanyInvitation(
            company_id=access.company.id,
            email=data.email,
            role=data.role,
            token_hash=token_digest(token),
            invited_by_id=access.user.id,
            created_at=now,
            expires_at=now + self.ttl,
        )
        await self.companies.add(invitation)
        return invitation, token

    async def list_page(
        self, access: CompanyAccess, *, limit: int, cursor: str | None
    ) -> tuple[list[CompanyInvitation], str | None]:
        before = decode_cursor(cursor, (datetime, uuid.UUID)) if cursor else None
        page = await self.companies.company_invitations(
            access.company.id, utcnow(), limit=limit + 1, after=before
        )
        if len(page) <= limit:
            return page, None
        last = page[limit - 1]
        return page[:limit], encode_cursor([last.created_at, last.id])

    async def revoke(self, access: CompanyAccess, invitation_id: uuid.UUID) -> None:
        invitation = await self.companies.pending_invitation(
            access.company.id, invitation_id, utcnow()
        )
        if invitation is None:
            raise InvitationNotFound
        invitation.revoked_at = utcnow()
        await self.companies.session.flush()

    async def pending_for(self, user: User) -> list[tuple[CompanyInvitation, Company, str | None]]:
        return await self.companies.invitations_for(user.email, utcnow())

    async def accept(self, user: User, token: str) -> tuple[CompanyMember, Company]:
        """Join the company; the token is spent. Only the invited email's account may."""
        now = utcnow()
        invitation = await self.companies.invitation_by_token(token_digest(token))
        if invitation is None or not _pending(invitation, now):
            raise InvalidInvitation
        company = await self.companies.get(invitation.company_id)
        if company is None:
            raise InvalidInvitation
        if invitation.email != user.email:
            raise InvitationNotForYou
        if await self.companies.role_of(company.id, user.id) is not None:
            raise AlreadyMember
        if not await self.companies.claim_invitation(invitation.id, user.id, now):
            raise InvalidInvitation
        member = CompanyMember(company_id=company.id, user_id=user.id, role=invitation.role)
        try:
            async with self.companies.session.begin_nested():
                await self.companies.add(member)
        except IntegrityError as exc:  # joined through another invitation at the same time
            raise AlreadyMember from exc
        return member, company


def _pending(invitation: CompanyInvitation, now: datetime) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > now
    )
