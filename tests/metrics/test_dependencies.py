"""The database pools and Redis, as the metrics show them."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import text

from aurum.app_state import AppState
from aurum.db.session import build_engine
from aurum.metrics.exposition import render
from tests.conftest import AppFactory, make_settings
from tests.metrics.conftest import Scraper
from tests.metrics.scrape import TOKEN, parse, value

IN_USE = "aurum_db_pool_connections_in_use"
WAITS = "aurum_db_pool_wait_seconds_count"
WAITED = "aurum_db_pool_wait_seconds_sum"


async def test_requests_return_what_they_take_from_the_pools(
    client: httpx.AsyncClient, scrape: Scraper, state: AppState
) -> None:
    await state.jobs.close(grace=5)  # the job runner's claims hold connections of their own
    assert (await client.get("/health/ready")).status_code == 200
    samples = await scrape()
    assert (IN_USE, frozenset({("pool", "transactions")})) in samples
    assert value(samples, IN_USE, pool="transactions") == 0
    assert value(samples, IN_USE, pool="reads") == 0


async def test_a_checkout_that_finds_every_connection_in_use_is_a_wait(
    migrated_url: str,
) -> None:
    settings = make_settings(migrated_url, metrics_token=TOKEN, database_pool_size=1)
    engine = build_engine(settings)
    try:
        before = parse(render("")[0].decode())
        async with engine.connect() as held:
            await held.execute(text("SELECT 1"))
            during = parse(render("")[0].decode())

            async def second() -> None:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))

            waiting = asyncio.create_task(second())
            await asyncio.sleep(0.2)
            assert not waiting.done()
        await waiting
        after = parse(render("")[0].decode())
    finally:
        await engine.dispose()
    assert value(during, IN_USE, pool="transactions") == 1
    assert value(after, IN_USE, pool="transactions") == 0
    assert value(after, WAITS, pool="transactions") - value(before, WAITS, pool="transactions") == 1
    assert (
        value(after, WAITED, pool="transactions") - value(before, WAITED, pool="transactions")
        >= 0.15
    )


async def test_redis_errors_are_counted(make_app: AppFactory) -> None:
    # Nothing listens on port 1: every rate-limit check fails, and the service answers 503.
    app = await make_app(
        metrics_token=TOKEN, redis_url="redis://127.0.0.1:1/0", rate_limit_enabled=True
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        before = parse(render("")[0].decode())
        answer = await client.post("/api/v1/token", data={"username": "a", "password": "b"})
        assert answer.status_code == 503
        after = parse(render("")[0].decode())
    errors = "aurum_redis_errors_total"
    assert value(after, errors, use="rate_limits") - value(before, errors, use="rate_limits") >= 1
