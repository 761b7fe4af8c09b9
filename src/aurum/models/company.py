from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base, Timestamps, UUIDPrimaryKey, utcnow


def _string_enum(enum: type[StrEnum], length: int = 32) -> Enum:
    return Enum(
        enum, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class CompanyKind(StrEnum):
    REAL_NACIONAL = "real_nacional"
    REAL_INTERNACIONAL = "real_internacional"
    FICTICIA_EDUCATIVA = "ficticia_educativa"


class PartnershipTier(StrEnum):
    NONE = "none"
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


class CompanyRole(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


LIVE = text("deleted_at IS NULL")


class Company(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "companies"

    name: Mapped[str] = mapped_column(String(120))
    # search_key(name): uniqueness and search ignore case and accents on every backend.
    name_key: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(64), unique=True)  # never reused
    kind: Mapped[CompanyKind] = mapped_column(_string_enum(CompanyKind))
    industry: Mapped[str | None] = mapped_column(String(100))
    short_description: Mapped[str | None] = mapped_column(String(280))
    description: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(2048))
    social_links: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    country: Mapped[str] = mapped_column(String(2), default="EC")
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    partnership_tier: Mapped[PartnershipTier] = mapped_column(
        _string_enum(PartnershipTier), default=PartnershipTier.NONE
    )
    verified: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    deleted_at: Mapped[datetime | None]

    __table_args__ = (
        # A deleted company's name may be taken again; its slug may not (old links).
        Index(
            "uq_companies_name_key_live",
            "name_key",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
        Index("ix_companies_name_key_id", "name_key", "id"),
    )


class CompanyMember(Base):
    __tablename__ = "company_members"

    company_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[CompanyRole] = mapped_column(_string_enum(CompanyRole, 16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CompanyInvitation(UUIDPrimaryKey, Base):
    """An invitation to join a company; its single-use token is stored only as a hash."""

    __tablename__ = "company_invitations"

    company_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower-cased
    role: Mapped[CompanyRole] = mapped_column(_string_enum(CompanyRole, 16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    revoked_at: Mapped[datetime | None]
