"""All SQL about companies, their members and invitations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.db.search import matches
from aurum.models.company import Company, CompanyInvitation, CompanyMember, CompanyRole
from aurum.models.user import User


class CompanyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Companies (deleted ones are invisible here)

    async def get(self, ref: uuid.UUID | str) -> Company | None:
        column = Company.id if isinstance(ref, uuid.UUID) else Company.slug
        return await self.session.scalar(
            select(Company).where(column == ref, Company.deleted_at.is_(None))
        )

    async def name_key_exists(self, name_key: str, *, exclude: uuid.UUID | None = None) -> bool:
        query = select(Company.id).where(Company.name_key == name_key, Company.deleted_at.is_(None))
        if exclude is not None:
            query = query.where(Company.id != exclude)
        return await self.session.scalar(query.limit(1)) is not None

    async def slugs_like(self, base: str) -> set[str]:
        """`base` and `base-…`, deleted companies included: slugs are never reused."""
        query = select(Company.slug).where(
            or_(Company.slug == base, Company.slug.like(f"{base}-%"))
        )
        return set(await self.session.scalars(query))

    async def slug_exists(self, slug: str) -> bool:
        return await self.session.scalar(select(Company.id).where(Company.slug == slug)) is not None

    async def list_page(
        self,
        *,
        limit: int,
        filters: dict[str, Any],
        q: str | None,
        after: tuple[str, uuid.UUID] | None,
    ) -> list[Company]:
        """Alphabetical by folded name."""
        where: list[ColumnElement[bool]] = [Company.deleted_at.is_(None)]
        where += [getattr(Company, field) == value for field, value in filters.items()]
        if q:
            where.append(matches(Company.name_key, q))
        if after is not None:
            where.append(tuple_(Company.name_key, Company.id) > tuple_(*after))
        query = select(Company).where(*where).order_by(Company.name_key, Company.id)
        return list(await self.session.scalars(query.limit(limit)))

    async def add(self, *rows: Company | CompanyMember | CompanyInvitation) -> None:
        self.session.add_all(rows)
        await self.session.flush()

    async def lock(self, company_id: uuid.UUID) -> None:
        """Serialise changes to one company's members (a no-op on SQLite, which is serial)."""
        await self.session.execute(
            select(Company.id).where(Company.id == company_id).with_for_update()
        )

    # Members

    async def role_of(self, company_id: uuid.UUID, user_id: uuid.UUID) -> CompanyRole | None:
        return await self.session.scalar(
            select(CompanyMember.role).where(
                CompanyMember.company_id == company_id, CompanyMember.user_id == user_id
            )
        )

    async def member(
        self, company_id: uuid.UUID, username: str
    ) -> tuple[CompanyMember, User] | None:
        query = (
            select(CompanyMember, User)
            .join(User, User.id == CompanyMember.user_id)
            .where(
                CompanyMember.company_id == company_id,
                func.lower(User.username) == username.lower(),
            )
        )
        row = (await self.session.execute(query)).one_or_none()
        return None if row is None else (row[0], row[1])

    async def is_member_by_email(self, company_id: uuid.UUID, email: str) -> bool:
        query = (
            select(CompanyMember.user_id)
            .join(User, User.id == CompanyMember.user_id)
            .where(CompanyMember.company_id == company_id, User.email == email)
        )
        return await self.session.scalar(query) is not None

    async def members(
        self, company_id: uuid.UUID, *, limit: int, after: str | None
    ) -> list[tuple[CompanyMember, User]]:
        """By username."""
        name = func.lower(User.username)
        query = (
            select(CompanyMember, User)
            .join(User, User.id == CompanyMember.user_id)
            .where(CompanyMember.company_id == company_id)
            .order_by(name)
            .limit(limit)
        )
        if after is not None:
            query = query.where(name > after)
        return [(m, u) for m, u in await self.session.execute(query)]

    async def count_owners(self, company_id: uuid.UUID) -> int:
        return (
            await self.session.scalar(
                select(func.count()).where(
                    CompanyMember.company_id == company_id, CompanyMember.role == CompanyRole.OWNER
                )
            )
            or 0
        )

    async def delete_member(self, member: CompanyMember) -> None:
        await self.session.delete(member)
        await self.session.flush()

    async def memberships(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[str, uuid.UUID] | None
    ) -> list[tuple[CompanyMember, Company]]:
        query = (
            select(CompanyMember, Company)
            .join(Company, Company.id == CompanyMember.company_id)
            .where(CompanyMember.user_id == user_id, Company.deleted_at.is_(None))
            .order_by(Company.name_key, Company.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(tuple_(Company.name_key, Company.id) > tuple_(*after))
        return [(m, c) for m, c in await self.session.execute(query)]

    # Invitations

    async def invitation_by_token(self, token_hash: str) -> CompanyInvitation | None:
        return await self.session.scalar(
            select(CompanyInvitation).where(CompanyInvitation.token_hash == token_hash)
        )

    async def pending_invitation(
        self, company_id: uuid.UUID, invitation_id: uuid.UUID, now: datetime
    ) -> CompanyInvitation | None:
        return await self.session.scalar(
            select(CompanyInvitation).where(
                CompanyInvitation.id == invitation_id,
                CompanyInvitation.company_id == company_id,
                *_pending(now),
            )
        )

    async def company_invitations(
        self,
        company_id: uuid.UUID,
        now: datetime,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None,
    ) -> list[CompanyInvitation]:
        """Pending ones, newest first."""
        query = (
            select(CompanyInvitation)
            .where(CompanyInvitation.company_id == company_id, *_pending(now))
            .order_by(CompanyInvitation.created_at.desc(), CompanyInvitation.id.desc())
            .limit(limit)
        )
        if after is not None:
            query = query.where(
                tuple_(CompanyInvitation.created_at, CompanyInvitation.id) < tuple_(*after)
            )
        return list(await self.session.scalars(query))

    async def invitations_for(
        self, email: str, now: datetime
    ) -> list[tuple[CompanyInvitation, Company, str | None]]:
        """Pending invitations to `email` from live companies, with the inviter's name."""
        query = (
            select(CompanyInvitation, Company, User.username)
            .join(Company, Company.id == CompanyInvitation.company_id)
            .outerjoin(User, User.id == CompanyInvitation.invited_by_id)
            .where(
                CompanyInvitation.email == email,
                Company.deleted_at.is_(None),
                *_pending(now),
            )
            .order_by(CompanyInvitation.created_at.desc(), CompanyInvitation.id.desc())
            .limit(100)
        )
        return [(i, c, name) for i, c, name in await self.session.execute(query)]

    async def revoke_invitations(
        self, company_id: uuid.UUID, now: datetime, *, email: str | None = None
    ) -> None:
        query = update(CompanyInvitation).where(
            CompanyInvitation.company_id == company_id, *_pending(now)
        )
        if email is not None:
            query = query.where(CompanyInvitation.email == email)
        await self.session.execute(
            query.values(revoked_at=now).execution_options(synchronize_session=False)
        )

    async def claim_invitation(
        self, invitation_id: uuid.UUID, user_id: uuid.UUID, now: datetime
    ) -> bool:
        """Mark it used, if it still is pending: of two concurrent claims, one wins."""
        result = await self.session.execute(
            update(CompanyInvitation)
            .where(CompanyInvitation.id == invitation_id, *_pending(now))
            .values(accepted_at=now, accepted_by_id=user_id)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _pending(now: datetime) -> list[ColumnElement[bool]]:
    return [
        CompanyInvitation.accepted_at.is_(None),
        CompanyInvitation.revoked_at.is_(None),
        CompanyInvitation.expires_at > now,
    ]
