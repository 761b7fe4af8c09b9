from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base

# Reference data: small integer keys, stable per installation; the INEC code is the
# natural key that the loader matches on.


class CatalogEntry:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))  # search_key(name)


class Region(CatalogEntry, Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(16), unique=True)

    __table_args__ = (Index("ix_regions_name_key_id", "name_key", "id"),)


class Province(CatalogEntry, Base):
    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), unique=True)
    capital: Mapped[str | None] = mapped_column(String(100))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)

    __table_args__ = (Index("ix_provinces_name_key_id", "name_key", "id"),)


class City(CatalogEntry, Base):
    """A canton (cantón): what profiles and companies call their city."""

    __tablename__ = "cities"

    code: Mapped[str] = mapped_column(String(4), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    is_capital: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (Index("ix_cities_name_key_id", "name_key", "id"),)
