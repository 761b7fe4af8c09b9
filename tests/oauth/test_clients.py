"""Admins register, list, change and delete OAuth clients."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from tests.conftest import Accounts
from tests.oauth.support import CLIENTS, INTROSPECT, ME, OAuthClients, bearer


async def test_register_returns_the_secret_once(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    created = await clients.register("billing", scopes=["xp:write"])
    assert created["name"] == "billing"
    assert created["grant_types"] == ["client_credentials"]
    assert created["scopes"] == ["xp:write"]
    assert created["first_party"] is False
    assert len(created["client_secret"]) >= 43

    admin = await clients.admin()
    listed = (await client.get(CLIENTS, headers=admin)).json()["items"]
    assert [c["client_id"] for c in listed] == [created["client_id"]]
    one = await client.get(f"{CLIENTS}/{created['client_id']}", headers=admin)
    assert one.status_code == 200
    for body in (listed[0], one.json()):
        assert "client_secret" not in body
        assert created["client_secret"] not in str(body)


async def test_secret_is_stored_hashed(clients: OAuthClients, accounts: Accounts) -> None:
    created = await clients.register()
    async with accounts.state.sessionmaker() as db:
        stored = (await db.execute(text("SELECT secret_hash FROM oauth_clients"))).scalar_one()
    assert stored != created["client_secret"]
    assert len(stored) == 64


async def test_only_admins_manage_clients(accounts: Accounts, client: httpx.AsyncClient) -> None:
    user = await accounts.user("juan")
    body = {"name": "x", "grant_types": ["client_credentials"]}
    assert (await client.post(CLIENTS, json=body)).status_code == 401
    forbidden = await client.post(CLIENTS, json=body, headers=user)
    assert forbidden.status_code == 403
    assert (await client.get(CLIENTS, headers=user)).status_code == 403


async def test_a_service_token_cannot_manage_clients(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    service = await clients.register(scopes=["sessions:read", "sessions:write"])
    token = await clients.service_token(service)
    response = await client.get(CLIENTS, headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["error"] == "user_token_required"


async def test_invalid_registrations(clients: OAuthClients, client: httpx.AsyncClient) -> None:
    admin = await clients.admin()
    unknown_scope = {"name": "x", "scopes": ["everything"]}
    unknown_grant = {"name": "x", "grant_types": ["implicit"]}
    no_name = {"name": "  ", "grant_types": ["client_credentials"]}
    for body in (unknown_scope, unknown_grant, no_name):
        response = await client.post(CLIENTS, json=body, headers=admin)
        assert response.status_code == 422, body
        assert response.json()["error"] == "validation_error"
    bad_redirects = [
        ["http://app.example/cb"],
        ["https://app.example/cb#frag"],
        ["/cb"],
        ["http://127.0.0.1:port/cb"],
        ["http://user@127.0.0.1/cb"],
        ["http://[::2]/cb"],
        ["http://[::1/cb"],
    ]
    for uris in bad_redirects:
        body = {"name": "x", "grant_types": ["authorization_code"], "redirect_uris": uris}
        response = await client.post(CLIENTS, json=body, headers=admin)
        assert response.status_code == 422, uris
    # Codes need somewhere to go; a public client (no secret) can only sign people in.
    no_redirect = {"name": "x", "grant_types": ["authorization_code"]}
    public_service = {
        "name": "x",
        "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "none",
    }
    for body in (no_redirect, public_service):
        response = await client.post(CLIENTS, json=body, headers=admin)
        assert response.status_code == 400, body
        assert response.json()["error"] == "invalid_client_metadata"


async def test_loopback_redirect_uris(clients: OAuthClients, client: httpx.AsyncClient) -> None:
    """RFC 8252 §7.3: http on 127.0.0.1, [::1] (with or without a port) and localhost."""
    uris = [
        "http://127.0.0.1/cb",
        "http://127.0.0.1:8080/cb",
        "http://[::1]/cb",
        "http://[::1]:8080/cb",
        "http://localhost:3000/cb",
    ]
    body = {"name": "cli", "grant_types": ["authorization_code"], "redirect_uris": uris}
    response = await client.post(CLIENTS, json=body, headers=await clients.admin())
    assert response.status_code == 201, response.text
    assert response.json()["redirect_uris"] == sorted(uris)


async def test_password_grant_is_for_first_party_clients_only(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    admin = await clients.admin()
    body = {"name": "partner", "grant_types": ["password"], "first_party": False}
    response = await client.post(CLIENTS, json=body, headers=admin)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client_metadata"
    assert "error_description" in response.json()

    web = await clients.first_party()
    demote = await client.patch(
        f"{CLIENTS}/{web['client_id']}", json={"first_party": False}, headers=admin
    )
    assert demote.status_code == 400
    assert demote.json()["error"] == "invalid_client_metadata"


async def test_update_a_client(clients: OAuthClients, client: httpx.AsyncClient) -> None:
    created = await clients.register(scopes=["xp:write"])
    response = await client.patch(
        f"{CLIENTS}/{created['client_id']}",
        json={"name": "billing v2", "scopes": ["sessions:read", "xp:write", "xp:write"]},
        headers=await clients.admin(),
    )
    assert response.status_code == 200
    assert response.json()["name"] == "billing v2"
    assert response.json()["scopes"] == ["sessions:read", "xp:write"]
    assert response.json()["grant_types"] == ["client_credentials"]


async def test_unknown_client_is_404(clients: OAuthClients, client: httpx.AsyncClient) -> None:
    admin = await clients.admin()
    for method in ("GET", "PATCH", "DELETE"):
        body = {"name": "x"} if method == "PATCH" else None
        response = await client.request(method, f"{CLIENTS}/nope", headers=admin, json=body)
        assert response.status_code == 404
        assert response.json()["error"] == "client_not_found"


async def test_a_new_secret_replaces_the_old_one(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    created = await clients.register()
    token = await clients.service_token(created)
    response = await client.post(
        f"{CLIENTS}/{created['client_id']}/secret", headers=await clients.admin()
    )
    assert response.status_code == 200
    renewed = {**created, "client_secret": response.json()["client_secret"]}
    assert renewed["client_secret"] != created["client_secret"]

    assert (await clients.token(created)).status_code == 401
    assert (await clients.token(renewed)).status_code == 200
    # Tokens already issued keep working until they expire.
    assert (await clients.introspect(renewed, token))["active"] is True


async def test_deleting_a_client_stops_its_tokens_at_once(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    service = await clients.register(scopes=["sessions:read"])
    web = await clients.first_party()
    watcher = await clients.register("watcher")
    await accounts.register("juan")
    user_tokens = await clients.password_grant(web, "juan", "correct horse battery")
    service_token = await clients.service_token(service)
    assert (
        await client.get("/api/v1/users/juan/sessions", headers=bearer(service_token))
    ).is_success

    admin = await clients.admin()
    for victim in (service, web):
        response = await client.delete(f"{CLIENTS}/{victim['client_id']}", headers=admin)
        assert response.status_code == 204

    assert (
        await client.get("/api/v1/users/juan/sessions", headers=bearer(service_token))
    ).status_code == 401
    assert (await client.get(ME, headers=bearer(user_tokens["access_token"]))).status_code == 401
    for token in (service_token, user_tokens["access_token"], user_tokens["refresh_token"]):
        assert await clients.introspect(watcher, token) == {"active": False}
    assert (await clients.token(service)).status_code == 401


async def test_disabling_a_client_stops_its_tokens_and_sign_ins(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    service = await clients.register()
    web = await clients.first_party()
    await accounts.register("juan")
    user_tokens = await clients.password_grant(web, "juan", "correct horse battery")
    service_token = await clients.service_token(service)

    admin = await clients.admin()
    for victim in (service, web):
        response = await client.patch(
            f"{CLIENTS}/{victim['client_id']}", json={"disabled": True}, headers=admin
        )
        assert response.json()["disabled"] is True

    assert (await client.get(ME, headers=bearer(user_tokens["access_token"]))).status_code == 401
    watcher = await clients.register("watcher")
    assert await clients.introspect(watcher, service_token) == {"active": False}
    refused = await clients.token(service)
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"
    response = await client.post(INTROSPECT, data={"token": "x"}, headers=clients.auth(service))
    assert response.status_code == 401
