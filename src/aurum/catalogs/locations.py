"""Where a profile is: region, province and city always agree with each other."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from aurum.catalogs.errors import LocationMismatch, UnknownCity, UnknownProvince, UnknownRegion
from aurum.catalogs.repository import CatalogRepository
from aurum.models.catalog import City, Province, Region

LOCATION_FIELDS = ("region_id", "province_id", "city_id")  # general to specific


@dataclass(frozen=True, slots=True)
class Location:
    region_id: int | None = None
    province_id: int | None = None
    city_id: int | None = None


class LocationResolver:
    """Applies a change to a location and returns a consistent one, or fails.

    The most specific id sent decides: a city fills in its province and region, a
    province its region. The broader ids sent with it must agree (422 otherwise). A
    narrower id not sent is kept while it still fits, and cleared when it no longer
    does; `null` clears a level and everything below it.
    """

    def __init__(self, catalogs: CatalogRepository) -> None:
        self.catalogs = catalogs

    async def resolve(self, current: Location, sent: Mapping[str, int | None]) -> Location:
        if not any(field in sent for field in LOCATION_FIELDS):
            return current
        if sent.get("city_id") is not None:
            return await self._from_city(sent)
        if sent.get("province_id") is not None:
            return await self._from_province(current, sent)
        if sent.get("region_id") is not None:
            return await self._from_region(current, sent)
        # Only nulls: clear the broadest level sent and everything under it.
        level = min(LOCATION_FIELDS.index(field) for field in sent if field in LOCATION_FIELDS)
        return replace(current, **dict.fromkeys(LOCATION_FIELDS[level:]))

    async def _from_city(self, sent: Mapping[str, int | None]) -> Location:
        city = await self.catalogs.get(City, _id(sent, "city_id"))
        if city is None:
            raise UnknownCity
        province = await self.catalogs.get(Province, city.province_id)
        assert province is not None  # noqa: S101 - a foreign key guarantees it
        location = Location(province.region_id, province.id, city.id)
        _check_agrees(location, sent, ("region_id", "province_id"))
        return location

    async def _from_province(self, current: Location, sent: Mapping[str, int | None]) -> Location:
        province = await self.catalogs.get(Province, _id(sent, "province_id"))
        if province is None:
            raise UnknownProvince
        city_id = None
        if "city_id" not in sent and current.city_id is not None:
            city = await self.catalogs.get(City, current.city_id)
            city_id = city.id if city and city.province_id == province.id else None
        location = Location(province.region_id, province.id, city_id)
        _check_agrees(location, sent, ("region_id",))
        return location

    async def _from_region(self, current: Location, sent: Mapping[str, int | None]) -> Location:
        region = await self.catalogs.get(Region, _id(sent, "region_id"))
        if region is None:
            raise UnknownRegion
        if "province_id" not in sent and "city_id" not in sent and current.region_id == region.id:
            return current
        return Location(region.id, None, None)


def _id(sent: Mapping[str, int | None], field: str) -> int:
    value = sent[field]
    assert value is not None  # noqa: S101 - callers check
    return value


def _check_agrees(
    location: Location, sent: Mapping[str, int | None], fields: tuple[str, ...]
) -> None:
    for field in fields:
        if field in sent and sent[field] != getattr(location, field):
            raise LocationMismatch
