"""Service clients award XP with the xp:write scope; the ledger says which client did."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import PASSWORD, Accounts
from tests.oauth.support import CLIENTS, OAuthClients, bearer
from tests.xp.test_xp import award, xp_path


@pytest.fixture
def clients(accounts: Accounts) -> OAuthClients:
    return OAuthClients(accounts)


async def test_a_service_with_xp_write_awards_xp(accounts: Accounts, clients: OAuthClients) -> None:
    juan = await accounts.user("juan")
    service = await clients.register("gamification", scopes=["xp:write"])
    token = await clients.service_token(service, scope="xp:write")

    response = await award(accounts.client, bearer(token), "juan", 400, "Simulación completada")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["awarded_by"] == service["client_id"]
    assert body["awarded_by_type"] == "client"
    assert (body["username"], body["xp_total"], body["level"]) == ("juan", 400, 3)

    # An admin's award next to it: the ledger tells the two kinds of awarder apart.
    await award(accounts.client, await clients.admin(), "juan", 100, "Bono")
    history = (await accounts.client.get(xp_path("juan"), headers=juan)).json()
    assert [(i["awarded_by"], i["awarded_by_type"], i["amount"]) for i in history["items"]] == [
        ("clientadmin", "user", 100),
        (service["client_id"], "client", 400),
    ]
    me = (await accounts.client.get("/api/v1/users/me", headers=juan)).json()
    assert (me["xp_total"], me["level"]) == (500, 3)

    # The client goes; its award stays, still naming it.
    admin = await clients.admin()
    deleted = await accounts.client.delete(f"{CLIENTS}/{service['client_id']}", headers=admin)
    assert deleted.status_code == 204
    history = (await accounts.client.get(xp_path("juan"), headers=juan)).json()
    assert [i["awarded_by"] for i in history["items"]][1] == service["client_id"]
    assert (await award(accounts.client, bearer(token), "juan", 10)).status_code == 401


async def test_a_service_without_xp_write_is_refused(
    accounts: Accounts, clients: OAuthClients
) -> None:
    await accounts.register("juan")
    without = await clients.register("reports", scopes=["sessions:read"])
    narrowed = await clients.register("gamification", scopes=["xp:write", "sessions:read"])
    tokens = [
        await clients.service_token(without),
        # The client may award, but this token was asked for another scope only.
        await clients.service_token(narrowed, scope="sessions:read"),
    ]
    for token in tokens:
        response = await award(accounts.client, bearer(token), "juan", 10)
        assert response.status_code == 403
        assert response.json()["error"] == "insufficient_scope"
        assert response.headers["www-authenticate"] == 'Bearer error="insufficient_scope"'

    # Taking the scope away stops tokens already issued with it.
    token = await clients.service_token(narrowed, scope="xp:write")
    assert (await award(accounts.client, bearer(token), "juan", 10)).status_code == 201
    changed = await accounts.client.patch(
        f"{CLIENTS}/{narrowed['client_id']}",
        json={"scopes": ["sessions:read"]},
        headers=await clients.admin(),
    )
    assert changed.status_code == 200
    response = await award(accounts.client, bearer(token), "juan", 10)
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    total = (await accounts.client.get("/api/v1/users/juan", headers=bearer(token))).status_code
    assert total == 403  # a service token where only users may call


async def test_users_are_refused_whatever_their_token_says(
    accounts: Accounts, clients: OAuthClients
) -> None:
    await accounts.register("juan")
    await accounts.register("ana")
    ana = await accounts.headers("ana")
    response = await award(accounts.client, ana, "juan", 10)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"

    # A first-party app may ask for xp:write on a user's behalf: it grants the user nothing.
    app = await clients.register(
        "web",
        grant_types=["password", "refresh_token"],
        scopes=["xp:write"],
        first_party=True,
    )
    tokens = await clients.password_grant(app, "ana", PASSWORD, scope="xp:write")
    assert tokens["scope"] == "xp:write"
    response = await award(accounts.client, bearer(tokens["access_token"]), "juan", 10)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    juan = (await accounts.client.get("/api/v1/users/juan", headers=ana)).json()
    assert juan["xp_total"] == 0


async def test_concurrent_awards_from_a_service_all_count(
    accounts: Accounts, clients: OAuthClients
) -> None:
    juan = await accounts.user("juan")
    service = await clients.register("gamification", scopes=["xp:write"])
    headers = bearer(await clients.service_token(service))
    responses = await asyncio.gather(
        *(award(accounts.client, headers, "juan", 100 + i) for i in range(6))
    )
    assert [r.status_code for r in responses] == [201] * 6
    expected = sum(100 + i for i in range(6))
    assert max(r.json()["xp_total"] for r in responses) == expected
    me = (await accounts.client.get("/api/v1/users/me", headers=juan)).json()
    assert me["xp_total"] == expected
    history = (await accounts.client.get(xp_path("juan"), headers=juan)).json()
    assert len(history["items"]) == 6
    assert {i["awarded_by"] for i in history["items"]} == {service["client_id"]}
