"""RFC 7009 revocation: a revoked token stops at the API and at introspection at once."""

from __future__ import annotations

import httpx

from tests.conftest import PASSWORD, Accounts
from tests.oauth.support import REVOKE, OAuthClients, bearer
from tests.oauth.test_token_endpoint import assert_oauth_error

SESSIONS = "/api/v1/users/juan/sessions"


async def test_unknown_tokens_are_revoked_without_complaint(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    service = await clients.register()
    for token in ("garbage", "a.b.c", "x" * 2000):
        response = await clients.revoke(service, token)
        assert response.status_code == 200
        assert response.content == b""
    hinted = await client.post(
        REVOKE,
        data={"token": "garbage", "token_type_hint": "something_else"},
        headers=clients.auth(service),
    )
    assert hinted.status_code == 200


async def test_the_schema_documents_what_revocation_answers(client: httpx.AsyncClient) -> None:
    # It said 200 with a JSON body, where the answer has no body at all.
    responses = (await client.get("/openapi.json")).json()["paths"][REVOKE]["post"]["responses"]
    assert "content" not in responses["200"]
    error = responses["4XX"]["content"]["application/json"]["schema"]["$ref"]
    assert error == "#/components/schemas/OAuthErrorResponse"


async def test_revocation_needs_client_authentication(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    assert_oauth_error(await client.post(REVOKE, data={"token": "x"}), 401, "invalid_client")
    service = await clients.register()
    missing = await client.post(REVOKE, data={}, headers=clients.auth(service))
    assert_oauth_error(missing, 400, "invalid_request")


async def test_revoking_a_refresh_token_ends_its_session(
    accounts: Accounts, clients: OAuthClients
) -> None:
    web = await clients.first_party()
    resource = await clients.register("resource")
    await accounts.register("juan")
    tokens = await clients.password_grant(web, "juan", PASSWORD)
    other = await clients.password_grant(web, "juan", PASSWORD)

    assert (await clients.revoke(web, tokens["refresh_token"])).status_code == 200
    me = await clients.http.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 401
    for token in (tokens["access_token"], tokens["refresh_token"]):
        assert await clients.introspect(resource, token) == {"active": False}
    # Only that session: the user's other sign-in goes on.
    assert (await clients.introspect(resource, other["access_token"]))["active"] is True
    # Revoking twice is fine.
    assert (await clients.revoke(web, tokens["refresh_token"])).status_code == 200


async def test_revoking_a_user_access_token_ends_its_session(
    accounts: Accounts, clients: OAuthClients
) -> None:
    web = await clients.first_party()
    await accounts.register("juan")
    tokens = await clients.password_grant(web, "juan", PASSWORD)
    assert (await clients.revoke(web, tokens["access_token"])).status_code == 200
    me = await clients.http.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 401
    refresh = await clients.http.post(
        "/api/v1/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        headers=clients.auth(web),
    )
    assert_oauth_error(refresh, 400, "invalid_grant")


async def test_a_client_revokes_only_what_was_issued_to_it(
    accounts: Accounts, clients: OAuthClients
) -> None:
    web = await clients.first_party("web")
    partner = await clients.register("partner")
    await accounts.register("juan")
    through_web = await clients.password_grant(web, "juan", PASSWORD)
    plain = await accounts.login("juan")
    partner_token = await clients.service_token(partner)

    for token in (through_web["refresh_token"], plain["access_token"], plain["refresh_token"]):
        assert_oauth_error(await clients.revoke(partner, token), 400, "unauthorized_client")
    assert_oauth_error(await clients.revoke(web, partner_token), 400, "unauthorized_client")
    me = await clients.http.get("/api/v1/users/me", headers=bearer(plain["access_token"]))
    assert me.status_code == 200
    # First-party apps may end sign-ins made without a client (the seed's /token).
    assert (await clients.revoke(web, plain["refresh_token"])).status_code == 200
    me = await clients.http.get("/api/v1/users/me", headers=bearer(plain["access_token"]))
    assert me.status_code == 401


async def test_revoking_a_service_token(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    service = await clients.register(scopes=["sessions:read"])
    resource = await clients.register("resource")
    await accounts.register("juan")
    revoked = await clients.service_token(service)
    kept = await clients.service_token(service)
    assert (await client.get(SESSIONS, headers=bearer(revoked))).status_code == 200

    assert (await clients.revoke(service, revoked)).status_code == 200
    assert (await clients.revoke(service, revoked)).status_code == 200
    rejected = await client.get(SESSIONS, headers=bearer(revoked))
    assert rejected.status_code == 401
    assert rejected.json()["error"] == "invalid_token"
    assert await clients.introspect(resource, revoked) == {"active": False}
    # The client's other tokens are untouched.
    assert (await client.get(SESSIONS, headers=bearer(kept))).status_code == 200
    assert (await clients.introspect(resource, kept))["active"] is True
