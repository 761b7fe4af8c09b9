from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from aurum.catalogs.loader import load_catalogs
from aurum.main import create_app
from aurum.models.catalog import Province
from tests.conftest import make_settings
from tests.test_cli import aurum

COUNTS = {"regions": 4, "provinces": 24, "cities": 222}


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()  # noqa: S608
            for table in COUNTS
        }


def test_cli_loads_a_fresh_database_and_a_second_load_changes_nothing(tmp_path: Path) -> None:
    assert aurum(tmp_path, "db", "upgrade").returncode == 0
    first = aurum(tmp_path, "catalogs", "load")
    assert first.returncode == 0, first.stderr
    for table, count in COUNTS.items():
        assert f"{table}: {count} inserted, 0 updated, 0 unchanged" in first.stdout
    rows = dump(tmp_path / "cli.db")
    assert {table: len(r) for table, r in rows.items()} == COUNTS

    second = aurum(tmp_path, "catalogs", "load")
    assert second.returncode == 0, second.stderr
    for table, count in COUNTS.items():
        assert f"{table}: 0 inserted, 0 updated, {count} unchanged" in second.stdout
    assert dump(tmp_path / "cli.db") == rows


async def test_embedded_sqlite_loads_the_catalogs_on_start(tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path}/fresh.db", auto_migrate=True))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            page = (await client.get("/api/v1/provinces", params={"limit": 100})).json()
    assert len(page["items"]) == 24


async def test_loading_again_repairs_drift_and_is_otherwise_a_no_op(migrated_url: str) -> None:
    engine = create_async_engine(migrated_url, poolclass=NullPool)
    sessionmaker = async_sessionmaker(engine)
    try:
        report = await load_catalogs(sessionmaker)
        assert not report.changed
        assert report.unchanged == COUNTS

        async with sessionmaker.begin() as session:
            await session.execute(
                update(Province).where(Province.code == "03").values(name="Canar", name_key="x")
            )
        report = await load_catalogs(sessionmaker)
        assert report.updated == {"regions": 0, "provinces": 1, "cities": 0}
        async with sessionmaker() as session:
            row = (
                await session.execute(
                    select(Province.name, Province.name_key).where(Province.code == "03")
                )
            ).one()
        assert tuple(row) == ("Cañar", "canar")
    finally:
        await engine.dispose()
