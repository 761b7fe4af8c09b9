"""What UserInfo says about a person, by scope (OpenID Connect Core §5.1, §5.4)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.catalogs.repository import CatalogRepository
from aurum.models.catalog import City, Province, Region
from aurum.models.user import User

AURUM_PROFILE = "aurum:profile"


class Place(BaseModel):
    code: str
    name: str


class ProfileLocation(BaseModel):
    """The profile's place in Ecuador's catalogs (INEC codes); a level not set is left out."""

    region: Place | None = None
    province: Place | None = None
    canton: Place | None = None


class UserInfo(BaseModel):
    """`sub` always; `profile`, `email` and `aurum:profile` claims when the token carries
    those scopes."""

    sub: str
    name: str | None = None
    preferred_username: str | None = None
    locale: str | None = None
    updated_at: int | None = None
    email: str | None = None
    email_verified: bool | None = None
    xp: int | None = None
    level: int | None = None
    location: ProfileLocation | None = None


def _place(entry: Region | Province | City | None) -> Place | None:
    return None if entry is None else Place(code=entry.code, name=entry.name)


class UserClaims:
    """Reads only, outside any transaction (autocommit sessions), and only for the
    `aurum:profile` scope of a profile with a location."""

    def __init__(self, read_sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.read_sessionmaker = read_sessionmaker

    async def for_scope(self, user: User, scope: frozenset[str]) -> UserInfo:
        claims = UserInfo(sub=str(user.id))
        if "profile" in scope:
            claims.name = user.full_name or user.username
            claims.preferred_username = user.username
            claims.locale = user.locale
            claims.updated_at = int(user.updated_at.timestamp())
        if "email" in scope:
            claims.email = user.email
            claims.email_verified = user.email_verified_at is not None
        if AURUM_PROFILE in scope:
            claims.xp = user.xp_total
            claims.level = user.level
            claims.location = await self._location(user)
        return claims

    async def _location(self, user: User) -> ProfileLocation | None:
        if user.region_id is None:  # a province or a city implies its region
            return None
        async with self.read_sessionmaker() as db:
            catalogs = CatalogRepository(db)
            region = await catalogs.get(Region, user.region_id)
            province = None
            if user.province_id is not None:
                province = await catalogs.get(Province, user.province_id)
            canton = None
            if user.city_id is not None:
                canton = await catalogs.get(City, user.city_id)
        return ProfileLocation(
            region=_place(region), province=_place(province), canton=_place(canton)
        )
