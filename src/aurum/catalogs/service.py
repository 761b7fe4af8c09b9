"""Catalog rules: public reads, admin writes. Never commits."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError

from aurum.catalogs.errors import (
    CatalogCodeTaken,
    CatalogEntryInUse,
    CatalogEntryNotFound,
    CityCodeMismatch,
    UnknownProvince,
    UnknownRegion,
)
from aurum.catalogs.repository import CatalogRepository, E
from aurum.db.search import search_key
from aurum.models.catalog import City, Province, Region
from aurum.pagination import decode_cursor, encode_cursor

NULLABLE = frozenset({"capital"})  # other fields sent as null are left as they are


class CatalogService:
    def __init__(self, catalogs: CatalogRepository) -> None:
        self.catalogs = catalogs

    async def list_page(
        self,
        model: type[E],
        *,
        limit: int,
        cursor: str | None,
        q: str | None,
        parent_id: int | None = None,
    ) -> tuple[list[E], str | None]:
        where: list[ColumnElement[bool]] = []
        if parent_id is not None and model is Province:
            where.append(Province.region_id == parent_id)
        if parent_id is not None and model is City:
            where.append(City.province_id == parent_id)
        after = None
        if cursor:
            name_key, entry_id = decode_cursor(cursor, (str, int))
            after = (str(name_key), int(entry_id))
        page = await self.catalogs.list_page(model, limit=limit + 1, where=where, q=q, after=after)
        more = len(page) > limit
        page = page[:limit]
        return page, encode_cursor([page[-1].name_key, page[-1].id]) if more else None

    async def get(self, model: type[E], entry_id: int) -> E:
        entry = await self.catalogs.get(model, entry_id)
        if entry is None:
            raise CatalogEntryNotFound
        return entry

    async def get_by_code(self, model: type[E], code: str) -> E:
        entry = await self.catalogs.get_by_code(model, code)
        if entry is None:
            raise CatalogEntryNotFound
        return entry

    async def create(self, model: type[E], data: BaseModel) -> E:
        values = data.model_dump()
        await self._check(model, values, exclude=None)
        return await self._save(model(**values, name_key=search_key(values["name"])))

    async def update(self, model: type[E], entry_id: int, data: BaseModel) -> E:
        entry = await self.get(model, entry_id)
        changes = {
            field: value
            for field, value in data.model_dump(exclude_unset=True).items()
            if value is not None or field in NULLABLE
        }
        await self._check(model, {"code": entry.code, **_parents(entry), **changes}, entry.id)
        for field, value in changes.items():
            setattr(entry, field, value)
        entry.name_key = search_key(entry.name)
        await self._save(entry)
        if {"region_id", "province_id"} & changes.keys():
            await self.catalogs.sync_user_locations()
        return entry

    async def delete(self, model: type[E], entry_id: int) -> None:
        entry = await self.get(model, entry_id)
        try:
            async with self.catalogs.session.begin_nested():
                await self.catalogs.delete(entry)
        except IntegrityError as exc:
            raise CatalogEntryInUse from exc

    async def _check(self, model: type[E], values: dict[str, Any], exclude: int | None) -> None:
        if await self.catalogs.code_exists(model, values["code"], exclude=exclude):
            raise CatalogCodeTaken
        if model is Province and await self.catalogs.get(Region, values["region_id"]) is None:
            raise UnknownRegion
        if model is City:
            province = await self.catalogs.get(Province, values["province_id"])
            if province is None:
                raise UnknownProvince
            if not values["code"].startswith(province.code):
                raise CityCodeMismatch

    async def _save(self, entry: E) -> E:
        try:
            async with self.catalogs.session.begin_nested():
                return await self.catalogs.add(entry)
        except IntegrityError as exc:  # lost a race for the code
            raise CatalogCodeTaken from exc


def _parents(entry: Region | Province | City) -> dict[str, Any]:
    if isinstance(entry, Province):
        return {"region_id": entry.region_id}
    if isinstance(entry, City):
        return {"province_id": entry.province_id}
    return {}
