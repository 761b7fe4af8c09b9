"""Alembic, driven from Python: used by the CLI and by start-up on embedded SQLite.

Alembic is imported only when a migration command runs: serving processes never need it,
and it (with Mako and Pygments) would add about 15 MiB to every worker.
"""

from __future__ import annotations

import asyncio
import io
import sys
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from aurum.config import Settings

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(settings: Settings, stdout: TextIO = sys.stdout) -> Config:
    from alembic.config import Config  # noqa: PLC0415 - see the module docstring

    config = Config(stdout=stdout)
    config.set_main_option("script_location", "aurum:migrations")
    config.set_main_option(
        "file_template",
        "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s",
    )
    config.attributes["database_url"] = settings.async_database_url
    return config


async def upgrade_database(settings: Settings, revision: str = "head") -> None:
    from alembic import command  # noqa: PLC0415 - see the module docstring

    await asyncio.to_thread(command.upgrade, alembic_config(settings), revision)


async def downgrade_database(settings: Settings, revision: str) -> None:
    from alembic import command  # noqa: PLC0415 - see the module docstring

    await asyncio.to_thread(command.downgrade, alembic_config(settings), revision)


async def current_revision(settings: Settings) -> str:
    from alembic import command  # noqa: PLC0415 - see the module docstring

    def run() -> str:
        buffer = io.StringIO()
        command.current(alembic_config(settings, stdout=buffer))
        return buffer.getvalue().strip()

    return await asyncio.to_thread(run)


async def wait_for_database(settings: Settings, seconds: float) -> bool:
    engine = create_async_engine(settings.async_database_url, poolclass=NullPool)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    try:
        while True:
            try:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            except (OSError, SQLAlchemyError):
                if loop.time() >= deadline:
                    return False
                await asyncio.sleep(1)
            else:
                return True
    finally:
        await engine.dispose()
