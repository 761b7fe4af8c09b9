"""Reading jobs back, and starting apps whose lifespan a test ends itself."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from aurum.app_state import AppState
from aurum.jobs.housekeeping import HOUSEKEEPING
from aurum.main import create_app
from aurum.models.job import Job
from tests.conftest import PASSWORD, make_settings


async def mail_jobs(state: AppState) -> list[Job]:
    async with state.sessionmaker() as db:
        query = select(Job).where(Job.kind != HOUSEKEEPING).order_by(Job.created_at)
        return list(await db.scalars(query))


async def wait_for(condition: Callable[[], Awaitable[bool]], seconds: float = 15) -> None:
    """Poll an async predicate until it holds."""
    async with asyncio.timeout(seconds):
        while True:
            if await condition():
                return
            await asyncio.sleep(0.05)


@asynccontextmanager
async def running_app(
    url: str, **overrides: Any
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """An app from start-up to shutdown, inside the block."""
    app = create_app(make_settings(url, **overrides))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        yield app, client


async def register(client: httpx.AsyncClient, username: str) -> None:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    response = await client.post("/api/v1/users/register", json=body)
    assert response.status_code == 201, response.text
