"""Without a pre-ping, a pooled connection may be dead (the database restarted)."""

from __future__ import annotations

from fastapi import FastAPI

from tests.conftest import Accounts


async def test_a_dead_pooled_connection_does_not_fail_an_authenticated_read(
    app: FastAPI, accounts: Accounts
) -> None:
    headers = await accounts.user("juan")
    assert (await accounts.client.get("/api/v1/users/me", headers=headers)).status_code == 200
    # The connection that read served from is now idle in the pool; kill it underneath.
    async with app.state.aurum.read_engine.connect() as connection:
        raw = await connection.get_raw_connection()
        await raw.driver_connection.close()
    response = await accounts.client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "juan"
