from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Bounded so that no id reaches the database as an out-of-range integer.
CatalogId = Annotated[int, Field(ge=1, le=2_147_483_647)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
RegionCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z_]{1,15}$")]
ProvinceCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
CityCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]


class RegionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str


class ProvinceRead(RegionRead):
    capital: str | None
    region_id: int


class CityRead(RegionRead):
    province_id: int
    is_capital: bool


class RegionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: RegionCode
    name: Name


class ProvinceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ProvinceCode
    name: Name
    capital: Name | None = None
    region_id: CatalogId


class CityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: CityCode
    name: Name
    province_id: CatalogId
    is_capital: bool = False


class RegionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: RegionCode | None = None
    name: Name | None = None


class ProvinceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ProvinceCode | None = None
    name: Name | None = None
    capital: Name | None = None
    region_id: CatalogId | None = None


class CityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: CityCode | None = None
    name: Name | None = None
    province_id: CatalogId | None = None
    is_capital: bool | None = None


class LoadReport(BaseModel):
    """What `aurum catalogs load` changed, per table."""

    inserted: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]

    @property
    def changed(self) -> bool:
        return any(self.inserted.values()) or any(self.updated.values())
