from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    PlainSerializer,
    StringConstraints,
)

from aurum.catalogs.schemas import CatalogId
from aurum.companies.permissions import Permission
from aurum.models.company import CompanyKind, CompanyRole, PartnershipTier
from aurum.users.schemas import Email

# Paths that sit next to /companies/{id or slug}, so no company may take them as a slug.
RESERVED_SLUGS = frozenset({"roles", "new", "me", "search"})
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _usable_slug(value: str) -> str:
    if value in RESERVED_SLUGS:
        msg = "this slug is reserved"
        raise ValueError(msg)
    try:
        uuid.UUID(value)
    except ValueError:
        return value
    msg = "a slug cannot look like an id"
    raise ValueError(msg)


Slug = Annotated[
    str,
    StringConstraints(min_length=2, max_length=64, pattern=SLUG_PATTERN),
    AfterValidator(_usable_slug),
]
CompanyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=280)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Url = Annotated[HttpUrl, Field(max_length=2048), PlainSerializer(str, return_type=str)]
Country = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$"),
    Field(description="ISO 3166-1 alpha-2 code, such as EC."),
]


class SocialNetwork(StrEnum):
    LINKEDIN = "linkedin"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    GITHUB = "github"


class CompanyFields(BaseModel):
    """What the company's own members may set."""

    model_config = ConfigDict(extra="forbid")

    industry: Text100 | None = None
    short_description: ShortText | None = None
    description: LongText | None = None
    website: Url | None = None
    social_links: dict[SocialNetwork, Url] | None = None
    contact_email: Email | None = None
    city_id: CatalogId | None = None


class CompanyCreate(CompanyFields):
    name: CompanyName
    slug: Slug | None = Field(default=None, description="Made from the name when absent.")
    kind: CompanyKind
    country: Country = "EC"


class CompanyUpdate(CompanyFields):
    name: CompanyName | None = None
    slug: Slug | None = None
    kind: CompanyKind | None = None
    country: Country | None = None
    active: bool | None = None
    # Platform administrators only:
    verified: bool | None = None
    partnership_tier: PartnershipTier | None = None


class CompanyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    slug: str
    kind: CompanyKind
    industry: str | None
    short_description: str | None
    description: str | None
    website: str | None
    social_links: dict[str, str]
    contact_email: str | None
    country: str
    city_id: int | None
    partnership_tier: PartnershipTier
    verified: bool
    active: bool
    created_at: datetime
    updated_at: datetime


class CompanySummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    slug: str


class Membership(BaseModel):
    """One of your companies, with your role in it."""

    company: CompanySummary
    role: CompanyRole
    permissions: list[Permission]


class MemberRead(BaseModel):
    username: str
    full_name: str | None
    role: CompanyRole
    joined_at: datetime


class MemberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: CompanyRole


class RolePermissions(BaseModel):
    role: CompanyRole
    permissions: list[Permission]


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    role: CompanyRole = CompanyRole.VIEWER


class InvitationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    role: CompanyRole
    created_at: datetime
    expires_at: datetime


class PendingInvitation(BaseModel):
    """An invitation waiting for you."""

    id: uuid.UUID
    company: CompanySummary
    role: CompanyRole
    invited_by: str | None
    expires_at: datetime


class InvitationAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
