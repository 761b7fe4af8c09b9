"""Alembic, driven from Python: used by the CLI and by start-up on embedded SQLite."""

from __future__ import annotations

import asyncio
import io
from contextlib import redirect_stdout

from alembic import command
from alembic.config import Config

from aurum.config import Settings


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", "aurum:migrations")
    config.set_main_option(
        "file_template",
        "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s",
    )
    config.attributes["database_url"] = settings.async_database_url
    return config


async def upgrade_database(settings: Settings, revision: str = "head") -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(settings), revision)


async def downgrade_database(settings: Settings, revision: str) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(settings), revision)


async def current_revision(settings: Settings) -> str:
    def run() -> str:
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            command.current(alembic_config(settings))
        return buffer.getvalue().strip()

    return await asyncio.to_thread(run)
