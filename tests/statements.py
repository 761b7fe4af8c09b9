"""What a request sent to the database: through SQLAlchemy, and (PostgreSQL's hot paths) by
asyncpg itself on a pooled connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from aurum.app_state import AppState


@dataclass
class Sent:
    through_sqlalchemy: list[str] = field(default_factory=list)
    by_driver: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[str]:
        return self.through_sqlalchemy + self.by_driver


@asynccontextmanager
async def statements_sent(state: AppState) -> AsyncIterator[Sent]:
    """Every statement sent on either engine while the block runs."""
    sent = Sent()
    drivers: list[Any] = []

    def executed(*args: Any) -> None:
        sent.through_sqlalchemy.append(str(args[2]))

    def logged(query: Any) -> None:
        sent.by_driver.append(query.query)

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        driver = dbapi_connection.driver_connection
        if hasattr(driver, "add_query_logger"):  # asyncpg
            driver.add_query_logger(logged)
            drivers.append(driver)

    engines = [state.engine.sync_engine, state.read_engine.sync_engine]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", executed)
        event.listen(engine, "checkout", checkout)
    try:
        yield sent
        await asyncio.sleep(0)  # asyncpg tells its query loggers on the next loop turn
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", executed)
            event.remove(engine, "checkout", checkout)
        for driver in drivers:
            driver.remove_query_logger(logged)
