"""The connection pool is fixed: a request that cannot get a connection in time gets a 503."""

from __future__ import annotations

from contextlib import AsyncExitStack

import httpx

from tests.conftest import PASSWORD, AppFactory


async def test_a_request_waiting_too_long_for_a_connection_gets_a_503(
    make_app: AppFactory,
) -> None:
    app = await make_app(database_pool_size=1, database_pool_timeout=0.2)
    state = app.state.aurum
    await state.jobs.close(grace=5)  # the job runner's claims would take connections too
    body = {"username": "juan", "email": "juan@example.com", "password": PASSWORD}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        async with AsyncExitStack() as held:  # every connection of both pools, held elsewhere
            for engine in (state.engine, state.read_engine):
                for _ in range(engine.pool.size()):
                    await held.enter_async_context(engine.connect())
            busy = await client.post("/api/v1/users/register", json=body)
        assert busy.status_code == 503
        assert busy.json()["error"] == "service_unavailable"
        assert busy.headers["retry-after"]
        # Once the connection is back, the same request succeeds.
        again = await client.post("/api/v1/users/register", json=body)
        assert again.status_code == 201
