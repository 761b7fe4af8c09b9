from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from aurum.catalogs.schemas import CatalogId
from aurum.db.base import utcnow
from aurum.models.user import Gender, Role

RESERVED_USERNAMES = frozenset({"me", "register", "admin-api"})


def _not_reserved(value: str) -> str:
    if value.lower() in RESERVED_USERNAMES:
        msg = "this username is reserved"
        raise ValueError(msg)
    return value


Username = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{1,30}[A-Za-z0-9])$"),
    AfterValidator(_not_reserved),
]
Email = Annotated[EmailStr, Field(max_length=254), AfterValidator(str.lower)]
# Length rules live in the service (configurable); this bound only stops absurd payloads.
Password = Annotated[str, Field(min_length=1, max_length=4096)]
FullName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def _plausible_birth_date(value: date) -> date:
    if value > utcnow().date():
        msg = "the birth date cannot be in the future"
        raise ValueError(msg)
    if value < EARLIEST_BIRTH_DATE:
        msg = f"the birth date cannot be before {EARLIEST_BIRTH_DATE.isoformat()}"
        raise ValueError(msg)
    return value


BirthDate = Annotated[date, AfterValidator(_plausible_birth_date)]
# The languages of the service's pages and emails (BCP 47 primary tags).
Locale = Literal["en", "es"]


class ProfileFields(BaseModel):
    """Optional profile data; the location ids come from the catalogs and must agree."""

    region_id: CatalogId | None = None
    province_id: CatalogId | None = None
    city_id: CatalogId | None = None
    gender: Gender | None = None
    birth_date: BirthDate | None = None
    locale: Locale | None = None


class UserCreate(ProfileFields):
    username: Username
    email: Email
    password: Password
    full_name: FullName | None = None


class AdminUserCreate(UserCreate):
    role: Role = Role.USER
    disabled: bool = False


class UserUpdate(ProfileFields):
    model_config = ConfigDict(extra="forbid")

    username: Username | None = None
    email: Email | None = None
    full_name: FullName | None = None


class AdminUserUpdate(UserUpdate):
    role: Role | None = None
    disabled: bool | None = None


class PasswordChange(BaseModel):
    old_password: Password
    new_password: Password


class AccountDeletion(BaseModel):
    password: Password | None = None


class RegistrationAccepted(BaseModel):
    """The answer to a sign-up: built from the request alone, so it is the same whether or
    not the email address already had an account (see docs/security/enumeration.md)."""

    username: str
    email: str
    full_name: str | None
    message: str = "Check your inbox to confirm your email address."


class UserPublic(BaseModel):
    """What any signed-in user may see of another."""

    model_config = ConfigDict(from_attributes=True)

    username: str
    full_name: str | None
    xp_total: int
    level: int


class UserRead(UserPublic):
    """The full profile: the user themself and admins."""

    id: uuid.UUID
    email: str
    email_verified_at: datetime | None
    disabled: bool
    role: Role
    region_id: int | None
    province_id: int | None
    city_id: int | None
    gender: Gender | None
    birth_date: date | None
    locale: str | None
    created_at: datetime
    updated_at: datetime
