"""Company rules: who sees what, unique names and slugs, soft delete. Never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from slugify import slugify
from sqlalchemy.exc import IntegrityError

from aurum.catalogs.errors import UnknownCity
from aurum.catalogs.repository import CatalogRepository
from aurum.companies.errors import (
    AdminOnlyField,
    CityRequiresEcuador,
    CompanyNameTaken,
    CompanyNotFound,
    SlugTaken,
)
from aurum.companies.permissions import Permission, allows
from aurum.companies.repository import CompanyRepository
from aurum.companies.schemas import RESERVED_SLUGS, CompanyCreate, CompanyUpdate
from aurum.db.base import utcnow
from aurum.db.search import search_key
from aurum.errors import Forbidden
from aurum.events.publish import publish
from aurum.events.types import EventType
from aurum.models.catalog import City
from aurum.models.company import Company, CompanyMember, CompanyRole
from aurum.models.user import User
from aurum.pagination import decode_cursor, encode_cursor

SLUG_BASE_LENGTH = 56  # leaves room for a "-NNN" suffix within 64
ADMIN_ONLY_FIELDS = frozenset({"verified", "partnership_tier"})
# Sent as null, these are cleared; other fields sent as null are left as they are.
NULLABLE_FIELDS = frozenset(
    {"industry", "short_description", "description", "website", "contact_email", "city_id"}
    | {"social_links"}
)


@dataclass(frozen=True, slots=True)
class CompanyAccess:
    """A company as seen by one signed-in user."""

    company: Company
    user: User
    role: CompanyRole | None  # None: not a member

    def can(self, permission: Permission) -> bool:
        return self.user.is_admin or allows(self.role, permission)

    @property
    def is_insider(self) -> bool:
        """Members and platform admins: the only ones who learn a private company exists."""
        return self.role is not None or self.user.is_admin


class CompanyService:
    def __init__(self, companies: CompanyRepository, catalogs: CatalogRepository) -> None:
        self.companies = companies
        self.catalogs = catalogs

    async def access(self, ref: str, user: User, permission: Permission | None) -> CompanyAccess:
        """The company `ref` (id or slug) for `user`: 404 to outsiders, 403 without `permission`.

        Without a permission, the public profile: any signed-in user sees an active
        company; an inactive one is private to its members.
        """
        company = await self.companies.get(_parse_ref(ref))
        if company is None:
            raise CompanyNotFound
        access = CompanyAccess(company, user, await self.companies.role_of(company.id, user.id))
        if permission is None:
            if not company.active and not access.is_insider:
                raise CompanyNotFound
            return access
        if not access.is_insider:
            raise CompanyNotFound
        if not access.can(permission):
            raise Forbidden
        return access

    async def create(self, data: CompanyCreate, owner: User) -> Company:
        values = data.model_dump(exclude={"slug"})
        await self._check_city(values["city_id"], values["country"])
        name_key = search_key(data.name)
        if await self.companies.name_key_exists(name_key):
            raise CompanyNameTaken
        if data.slug is not None and await self.companies.slug_exists(data.slug):
            raise SlugTaken
        values["social_links"] = values["social_links"] or {}
        for _ in range(3):
            slug = data.slug or await self._free_slug(data.name)
            company = Company(
                id=uuid.uuid4(), **values, name_key=name_key, slug=slug, created_by_id=owner.id
            )
            member = CompanyMember(company_id=company.id, user_id=owner.id, role=CompanyRole.OWNER)
            try:
                async with self.companies.session.begin_nested():
                    await self.companies.add(company, member)
            except IntegrityError as exc:  # lost a race to a concurrent creation
                if "name_key" in str(exc.orig):
                    raise CompanyNameTaken from exc
                if data.slug is not None:
                    raise SlugTaken from exc
                continue  # a generated slug: take the next free one
            await self._published_creation(company, member)
            return company
        raise SlugTaken

    async def list_page(
        self,
        viewer: User,
        *,
        limit: int,
        cursor: str | None,
        q: str | None,
        filters: dict[str, Any],
    ) -> tuple[list[Company], str | None]:
        filters = {field: value for field, value in filters.items() if value is not None}
        if not viewer.is_admin:
            filters["active"] = True  # inactive companies are private to their members
        after = decode_cursor(cursor, (str, uuid.UUID)) if cursor else None
        page = await self.companies.list_page(limit=limit + 1, filters=filters, q=q, after=after)
        if len(page) <= limit:
            return page, None
        last = page[limit - 1]
        return page[:limit], encode_cursor([last.name_key, last.id])

    async def update(self, access: CompanyAccess, data: CompanyUpdate) -> Company:
        company = access.company
        changes = {
            field: value
            for field, value in data.model_dump(exclude_unset=True).items()
            if value is not None or field in NULLABLE_FIELDS
        }
        if "social_links" in changes:
            changes["social_links"] = changes["social_links"] or {}
        if ADMIN_ONLY_FIELDS & changes.keys() and not access.user.is_admin:
            raise AdminOnlyField
        await self._check_city(
            changes.get("city_id", company.city_id), changes.get("country", company.country)
        )
        if "name" in changes:
            changes["name_key"] = search_key(changes["name"])
            if await self.companies.name_key_exists(changes["name_key"], exclude=company.id):
                raise CompanyNameTaken
        slug = changes.get("slug", company.slug)
        if slug != company.slug and await self.companies.slug_exists(slug):
            raise SlugTaken
        for field, value in changes.items():
            setattr(company, field, value)
        company.updated_at = utcnow()
        try:
            async with self.companies.session.begin_nested():
                await self.companies.session.flush()
        except IntegrityError as exc:
            raise (CompanyNameTaken if "name_key" in str(exc.orig) else SlugTaken) from exc
        return company

    async def _published_creation(self, company: Company, owner: CompanyMember) -> None:
        session = self.companies.session
        await publish(
            session, EventType.COMPANY_CREATED, company_id=company.id, owner_id=owner.user_id
        )
        await publish(
            session,
            EventType.COMPANY_MEMBER_ADDED,
            company_id=company.id,
            user_id=owner.user_id,
            role=str(owner.role),
        )

    async def delete(self, access: CompanyAccess) -> None:
        """Soft delete: the company disappears for everyone; its slug stays taken."""
        now = utcnow()
        access.company.deleted_at = access.company.updated_at = now
        await self.companies.revoke_invitations(access.company.id, now)
        await self.companies.session.flush()
        await publish(
            self.companies.session, EventType.COMPANY_DELETED, company_id=access.company.id
        )

    async def memberships(
        self, user: User, *, limit: int, cursor: str | None
    ) -> tuple[list[tuple[CompanyMember, Company]], str | None]:
        after = decode_cursor(cursor, (str, uuid.UUID)) if cursor else None
        page = await self.companies.memberships(user.id, limit=limit + 1, after=after)
        if len(page) <= limit:
            return page, None
        _, last = page[limit - 1]
        return page[:limit], encode_cursor([last.name_key, last.id])

    async def _check_city(self, city_id: int | None, country: str) -> None:
        if city_id is None:
            return
        if country != "EC":
            raise CityRequiresEcuador
        if await self.catalogs.get(City, city_id) is None:
            raise UnknownCity

    async def _free_slug(self, name: str) -> str:
        base = slugify(name, max_length=SLUG_BASE_LENGTH, word_boundary=True) or "empresa"
        if base in RESERVED_SLUGS or len(base) < 2 or _looks_like_uuid(base):
            base = f"{base}-empresa"
        taken = await self.companies.slugs_like(base)
        if base not in taken:
            return base
        return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def _parse_ref(ref: str) -> uuid.UUID | str:
    try:
        return uuid.UUID(ref)
    except ValueError:
        return ref


def _looks_like_uuid(value: str) -> bool:
    return isinstance(_parse_ref(value), uuid.UUID)
