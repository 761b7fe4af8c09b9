"""Invitations: single-use, expiring tokens, stored only as a hash, for one email."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from aurum.companies.errors import (
    AlreadyMember,
    EmailNotVerified,
    InvalidInvitation,
    InvitationNotForYou,
    InvitationNotFound,
)
from aurum.companies.invitation_mail import InvitationNotices
from aurum.companies.permissions import Permission
from aurum.companies.repository import CompanyRepository
from aurum.companies.schemas import InvitationCreate
from aurum.companies.service import CompanyAccess
from aurum.db.base import utcnow
from aurum.errors import Forbidden
from aurum.events.publish import publish
from aurum.events.types import EventType
from aurum.models.company import Company, CompanyInvitation, CompanyMember, CompanyRole
from aurum.models.user import User
from aurum.pagination import decode_cursor, encode_cursor
from aurum.security.opaque_tokens import new_token, token_digest
from aurum.security.rate_limiter import RateLimiter, account_key

# Invitations send email to any address: each inviter may send so many, and so many to
# one address. Nothing is counted per address alone, or strangers could use it up.
INVITER_LIMIT = "50/hour;200/day"
RECIPIENT_LIMIT = "3/hour;10/day"


class InvitationService:
    def __init__(
        self,
        companies: CompanyRepository,
        ttl: timedelta,
        notices: InvitationNotices,
        limiter: RateLimiter,
    ) -> None:
        self.companies = companies
        self.ttl = ttl
        self.notices = notices
        self.limiter = limiter

    async def create(self, access: CompanyAccess, data: InvitationCreate) -> CompanyInvitation:
        """A new invitation, emailed to the address; a pending one to it is replaced."""
        if data.role is CompanyRole.OWNER and not access.can(Permission.MANAGE_OWNERS):
            raise Forbidden
        if await self.companies.is_member_by_email(access.company.id, data.email):
            raise AlreadyMember
        # The narrower limit first, so a repeat to one address does not use up the wider one.
        inviter = str(access.user.id)
        await self.limiter.hit(
            "company_invitation.recipient",
            account_key(f"{inviter} {data.email}"),
            RECIPIENT_LIMIT,
        )
        await self.limiter.hit("company_invitation.inviter", account_key(inviter), INVITER_LIMIT)
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
        self.notices.invitation_created(invitation, access.company, access.user, token)
        return invitation

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
        """Invitations to the user's address, once they have shown that it is theirs."""
        if user.email_verified_at is None:
            return []
        return await self.companies.invitations_for(user.email, utcnow())

    async def preview(self, user: User, token: str) -> tuple[CompanyInvitation, Company]:
        """What accepting would join, after the same checks; nothing is spent."""
        return await self._acceptable(user, token, utcnow())

    async def accept(self, user: User, token: str) -> tuple[CompanyMember, Company]:
        """Join the company; the token is spent. Only the invited, verified address may."""
        now = utcnow()
        invitation, company = await self._acceptable(user, token, now)
        if not await self.companies.claim_invitation(invitation.id, user.id, now):
            raise InvalidInvitation
        member = CompanyMember(company_id=company.id, user_id=user.id, role=invitation.role)
        try:
            async with self.companies.session.begin_nested():
                await self.companies.add(member)
        except IntegrityError as exc:  # joined through another invitation at the same time
            raise AlreadyMember from exc
        await publish(
            self.companies.session,
            EventType.COMPANY_MEMBER_ADDED,
            company_id=company.id,
            user_id=user.id,
            role=str(member.role),
        )
        return member, company

    async def _acceptable(
        self, user: User, token: str, now: datetime
    ) -> tuple[CompanyInvitation, Company]:
        invitation = await self.companies.invitation_by_token(token_digest(token))
        if invitation is None or not _pending(invitation, now):
            raise InvalidInvitation
        company = await self.companies.get(invitation.company_id)
        if company is None:
            raise InvalidInvitation
        if invitation.email != user.email:
            raise InvitationNotForYou
        if user.email_verified_at is None:
            raise EmailNotVerified
        if await self.companies.role_of(company.id, user.id) is not None:
            raise AlreadyMember
        return invitation, company


def _pending(invitation: CompanyInvitation, now: datetime) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > now
    )
