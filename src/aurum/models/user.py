from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from math import isqrt

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base, Timestamps, UUIDPrimaryKey, utcnow


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class Gender(StrEnum):
    MASCULINO = "masculino"
    FEMENINO = "femenino"
    OTRO = "otro"
    PREFIERO_NO_DECIR = "prefiero_no_decir"


def level_for(xp: int) -> int:
    """Level n is reached at (n - 1)² · 100 XP: 0 → 1, 100 → 2, 400 → 3, 900 → 4."""
    return isqrt(max(xp, 0) // 100) + 1


class User(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "users"

    # Usernames keep the case they were registered with; uniqueness ignores it.
    username: Mapped[str] = mapped_column(String(32))
    # Emails are stored lower-cased, so the plain unique constraint ignores case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), deferred=True, deferred_raiseload=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(default=False)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.USER,
    )
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    email_verified_at: Mapped[datetime | None]  # None until the current address is confirmed

    # Profile: the location always agrees with itself (a city implies its province and
    # region); xp_total only changes through the XP ledger.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    gender: Mapped[Gender | None] = mapped_column(
        Enum(Gender, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    birth_date: Mapped[date | None]
    locale: Mapped[str | None] = mapped_column(String(8))  # the language preferred: en, es
    xp_total: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    __table_args__ = (
        Index("uq_users_username_lower", func.lower(username), unique=True),
        Index("ix_users_created_at_id", "created_at", "id"),
        Index("ix_users_xp_total", "xp_total"),
    )

    @property
    def level(self) -> int:
        """Derived from xp_total, never stored, so the two cannot disagree."""
        return level_for(self.xp_total)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN
