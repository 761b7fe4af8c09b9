"""POST /api/v1/oauth/token: client authentication and the RFC 6749 §5.2 errors."""

from __future__ import annotations

import base64

import httpx
import jwt
import pytest

from aurum.app_state import AppState
from tests.conftest import PASSWORD, Accounts
from tests.oauth.support import ME, TOKEN, OAuthClients, basic, bearer, unverified


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]
    assert body["message"] == body["error_description"]


async def test_client_credentials_with_basic_auth(
    clients: OAuthClients, client: httpx.AsyncClient, state: AppState
) -> None:
    service = await clients.register(scopes=["sessions:read", "xp:write"])
    response = await clients.token(service)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 30 * 60
    assert body["scope"] == "sessions:read xp:write"
    assert "refresh_token" not in body

    claims = unverified(body["access_token"])
    assert claims["sub"] == claims["client_id"] == service["client_id"]
    assert claims["scope"] == "sessions:read xp:write"
    assert "sid" not in claims
    header = jwt.get_unverified_header(body["access_token"])
    assert header["kid"] == state.access_tokens.signing_key.kid
    assert header["alg"] == "EdDSA"


async def test_client_credentials_with_form_auth(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    service = await clients.register()
    response = await client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": service["client_id"],
            "client_secret": service["client_secret"],
        },
    )
    assert response.status_code == 200
    assert response.json()["scope"] == ""


async def test_a_narrower_scope_can_be_asked_for(clients: OAuthClients) -> None:
    service = await clients.register(scopes=["sessions:read", "xp:write"])
    response = await clients.token(service, scope="xp:write")
    assert response.json()["scope"] == "xp:write"
    assert unverified(response.json()["access_token"])["scope"] == "xp:write"


@pytest.mark.parametrize("scope", ["sessions:write", "xp:write everything", 'bad"scope'])
async def test_scope_beyond_the_client_is_invalid_scope(clients: OAuthClients, scope: str) -> None:
    service = await clients.register(scopes=["xp:write"])
    assert_oauth_error(await clients.token(service, scope=scope), 400, "invalid_scope")


async def test_no_client_authentication(client: httpx.AsyncClient) -> None:
    response = await client.post(TOKEN, data={"grant_type": "client_credentials"})
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize("how", ["basic", "form"])
async def test_wrong_secret_is_invalid_client(
    clients: OAuthClients, client: httpx.AsyncClient, how: str
) -> None:
    service = await clients.register()
    data = {"grant_type": "client_credentials"}
    if how == "basic":
        response = await client.post(TOKEN, data=data, headers=basic(service["client_id"], "x"))
    else:
        data |= {"client_id": service["client_id"], "client_secret": "x"}
        response = await client.post(TOKEN, data=data)
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
        "Basic " + base64.b64encode(b"unknown-client:secret").decode(),
        "Basic ",
        b"Basic \xc3\xa9t\xc3\xa9".decode("latin-1"),
    ],
)
async def test_malformed_or_unknown_basic_credentials(
    client: httpx.AsyncClient, authorization: str
) -> None:
    # Header bytes as sent: non-ASCII ones included.
    headers = [(b"Authorization", authorization.encode("latin-1"))]
    response = await client.post(TOKEN, data={"grant_type": "client_credentials"}, headers=headers)
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


async def test_a_nul_character_in_the_form_is_invalid_request(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    # PostgreSQL cannot look such a value up: these were bare 422s without error_description.
    form = {"grant_type": "client_credentials", "client_id": "a\x00b", "client_secret": "s"}
    assert_oauth_error(await client.post(TOKEN, data=form), 400, "invalid_request")
    web = await clients.first_party()
    form = {"grant_type": "password", "username": "ju\x00an", "password": PASSWORD}
    response = await client.post(TOKEN, data=form, headers=clients.auth(web))
    assert_oauth_error(response, 400, "invalid_request")


async def test_a_nul_character_in_basic_credentials_is_invalid_client(
    client: httpx.AsyncClient,
) -> None:
    headers = {"Authorization": "Basic " + base64.b64encode(b"a%00b:secret").decode()}
    response = await client.post(TOKEN, data={"grant_type": "client_credentials"}, headers=headers)
    assert_oauth_error(response, 401, "invalid_client")


async def test_two_authentication_methods_is_invalid_request(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    service = await clients.register()
    response = await client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": service["client_id"],
            "client_secret": service["client_secret"],
        },
        headers=clients.auth(service),
    )
    assert_oauth_error(response, 400, "invalid_request")


async def test_missing_grant_type_is_invalid_request(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    service = await clients.register()
    response = await client.post(TOKEN, data={"scope": ""}, headers=clients.auth(service))
    assert_oauth_error(response, 400, "invalid_request")


async def test_repeated_parameter_is_invalid_request(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    service = await clients.register()
    response = await client.post(
        TOKEN,
        content=b"grant_type=client_credentials&grant_type=password",
        headers={"Content-Type": "application/x-www-form-urlencoded", **clients.auth(service)},
    )
    assert_oauth_error(response, 400, "invalid_request")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"grant_type": "client_credentials"}', "application/json"),
        (b"grant_type=client_credentials&x=\xff", "application/x-www-form-urlencoded"),
        (b"grant_type=" + b"a" * 70_000, "application/x-www-form-urlencoded"),
    ],
)
async def test_bodies_that_are_not_a_form_are_invalid_request(
    clients: OAuthClients, client: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    service = await clients.register()
    response = await client.post(
        TOKEN, content=content, headers={"Content-Type": content_type, **clients.auth(service)}
    )
    assert_oauth_error(response, 400, "invalid_request")


@pytest.mark.parametrize("grant_type", ["implicit", "urn:x:custom"])
async def test_unknown_grant_type_is_unsupported(
    clients: OAuthClients, client: httpx.AsyncClient, grant_type: str
) -> None:
    service = await clients.register()
    response = await client.post(
        TOKEN, data={"grant_type": grant_type}, headers=clients.auth(service)
    )
    assert_oauth_error(response, 400, "unsupported_grant_type")


async def test_grant_not_registered_for_the_client_is_unauthorized_client(
    clients: OAuthClients, client: httpx.AsyncClient, accounts: Accounts
) -> None:
    service = await clients.register()
    web = await clients.first_party()
    await accounts.register("juan")
    password = await client.post(
        TOKEN,
        data={"grant_type": "password", "username": "juan", "password": PASSWORD},
        headers=clients.auth(service),
    )
    assert_oauth_error(password, 400, "unauthorized_client")
    assert_oauth_error(await clients.token(web), 400, "unauthorized_client")


async def test_errors_are_translated_but_codes_are_not(client: httpx.AsyncClient) -> None:
    response = await client.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers={"Accept-Language": "es"}
    )
    assert response.json()["error"] == "invalid_client"
    assert response.json()["error_description"] == "La autenticación del cliente falló."


async def test_service_token_is_accepted_only_where_services_are(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    service = await clients.register()
    token = await clients.service_token(service)
    response = await client.get(ME, headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["error"] == "user_token_required"
