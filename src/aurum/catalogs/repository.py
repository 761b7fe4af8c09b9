"""All SQL about the geographic catalogs."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.db.search import matches
from aurum.models.catalog import City, Province, Region
from aurum.models.user import User

CatalogEntry = Region | Province | City
E = TypeVar("E", Region, Province, City)


class CatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, model: type[E], entry_id: int) -> E | None:
        return await self.session.get(model, entry_id)

    async def get_by_code(self, model: type[E], code: str) -> E | None:
        return await self.session.scalar(select(model).where(model.code == code))

    async def code_exists(self, model: type[E], code: str, *, exclude: int | None = None) -> bool:
        query = select(model.id).where(model.code == code)
        if exclude is not None:
            query = query.where(model.id != exclude)
        return await self.session.scalar(query.limit(1)) is not None

    async def all_by_code(self, model: type[E]) -> dict[str, E]:
        return {entry.code: entry for entry in await self.session.scalars(select(model))}

    async def list_page(
        self,
        model: type[E],
        *,
        limit: int,
        where: list[ColumnElement[bool]],
        q: str | None = None,
        after: tuple[str, int] | None = None,
    ) -> list[E]:
        """In alphabetical order of the folded name (then id)."""
        query = select(model).where(*where).order_by(model.name_key, model.id).limit(limit)
        if q:
            query = query.where(matches(model.name_key, q))
        if after is not None:
            query = query.where(tuple_(model.name_key, model.id) > tuple_(*after))
        return list(await self.session.scalars(query))

    async def add(self, entry: E) -> E:
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def delete(self, entry: CatalogEntry) -> None:
        await self.session.delete(entry)
        await self.session.flush()

    async def sync_user_locations(self) -> None:
        """After a city or province moved: users' province and region follow their city."""
        city_province = select(City.province_id).where(City.id == User.city_id)
        await self.session.execute(
            update(User)
            .where(User.city_id.is_not(None))
            .values(province_id=city_province.scalar_subquery())
            .execution_options(synchronize_session=False)
        )
        province_region = select(Province.region_id).where(Province.id == User.province_id)
        await self.session.execute(
            update(User)
            .where(User.province_id.is_not(None))
            .values(region_id=province_region.scalar_subquery())
            .execution_options(synchronize_session=False)
        )
