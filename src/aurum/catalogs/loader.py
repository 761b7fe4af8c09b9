"""Loads Ecuador's regions, provinces and cantons from the shipped INEC DPA file.

Idempotent: entries are matched on their code, inserted when missing, updated when the
file says otherwise, never deleted (users and companies may point at them). Loading a
second time changes nothing.
"""

from __future__ import annotations

import asyncio
import json
from importlib import resources
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.catalogs.repository import CatalogRepository, E
from aurum.catalogs.schemas import LoadReport
from aurum.db.search import search_key
from aurum.models.catalog import City, Province, Region

DATA_FILE = "ecuador_dpa.json"


def read_dpa() -> dict[str, Any]:
    text = resources.files("aurum").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


class CatalogLoader:
    def __init__(self, catalogs: CatalogRepository) -> None:
        self.catalogs = catalogs
        self.report = LoadReport(inserted={}, updated={}, unchanged={})

    async def load(self, dpa: dict[str, Any]) -> LoadReport:
        regions = await self._sync(
            Region, [{"code": r["code"], "name": r["name"]} for r in dpa["regions"]]
        )
        provinces = await self._sync(
            Province,
            [
                {
                    "code": p["code"],
                    "name": p["name"],
                    "capital": p.get("capital"),
                    "region_id": regions[p["region"]].id,
                }
                for p in dpa["provinces"]
            ],
        )
        await self._sync(
            City,
            [
                {
                    "code": c["code"],
                    "name": c["name"],
                    "province_id": provinces[c["province"]].id,
                    "is_capital": bool(c.get("is_capital", False)),
                }
                for c in dpa["cantons"]
            ],
        )
        if any(self.report.updated.values()):
            await self.catalogs.sync_user_locations()
        return self.report

    async def _sync(self, model: type[E], rows: list[dict[str, Any]]) -> dict[str, E]:
        existing = await self.catalogs.all_by_code(model)
        inserted = updated = 0
        for row in rows:
            values = row | {"name_key": search_key(row["name"])}
            entry = existing.get(row["code"])
            if entry is None:
                existing[row["code"]] = model(**values)
                self.catalogs.session.add(existing[row["code"]])
                inserted += 1
            elif any(getattr(entry, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(entry, key, value)
                updated += 1
        await self.catalogs.session.flush()
        table = model.__tablename__
        self.report.inserted[table] = inserted
        self.report.updated[table] = updated
        self.report.unchanged[table] = len(rows) - inserted - updated
        return existing


async def load_catalogs(sessionmaker: async_sessionmaker[AsyncSession]) -> LoadReport:
    """Load the shipped file, in one transaction."""
    dpa = await asyncio.to_thread(read_dpa)
    try:
        return await _load_once(sessionmaker, dpa)
    except IntegrityError:
        # Another instance inserted the same codes first; a second pass finds them.
        return await _load_once(sessionmaker, dpa)


async def _load_once(
    sessionmaker: async_sessionmaker[AsyncSession], dpa: dict[str, Any]
) -> LoadReport:
    async with sessionmaker.begin() as session:
        return await CatalogLoader(CatalogRepository(session)).load(dpa)
