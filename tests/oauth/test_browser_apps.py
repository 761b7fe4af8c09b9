"""What browser and native apps need of the provider: cross-origin calls (CORS) on the
endpoints a single-page app calls, a loopback redirect URI on any port (RFC 8252 §7.3),
revocation by a public client, and a disabled app's redirects refused."""

from __future__ import annotations

import secrets

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import AppFactory
from tests.oauth.code_flow import AUTHORIZE, TOKEN_ENDPOINT, USERINFO, browse, relying_party
from tests.oauth.support import CLIENTS, REVOKE, OAuthClients, bearer
from tests.web.support import csrf_of

SPA_ORIGIN = "https://spa.example"
OPEN = [
    ("GET", "/.well-known/openid-configuration"),
    ("GET", "/.well-known/oauth-authorization-server"),
    ("GET", "/.well-known/jwks.json"),
    ("POST", "/api/v1/oauth/token"),
    ("GET", "/api/v1/oauth/userinfo"),
    ("POST", "/api/v1/oauth/revoke"),
]
# Pages a cookie authenticates, and API paths outside the sign-in flow.
CLOSED = ["/sign-in", "/authorize", "/end-session", "/account", "/api/v1/users/me", "/api/v1/token"]


def preflight(method: str, headers: str = "authorization") -> dict[str, str]:
    return {
        "Origin": SPA_ORIGIN,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


@pytest.mark.parametrize(("method", "path"), OPEN)
async def test_a_spa_may_call_the_open_endpoints(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    answer = await client.options(path, headers=preflight(method))
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == "*"
    assert method in answer.headers["access-control-allow-methods"]
    assert "Authorization" in answer.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in answer.headers
    called = await client.request(method, path, headers={"Origin": SPA_ORIGIN})
    assert called.headers["access-control-allow-origin"] == "*"
    assert "WWW-Authenticate" in called.headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in called.headers


@pytest.mark.parametrize("path", CLOSED)
async def test_pages_and_the_rest_of_the_api_answer_no_other_origin(
    client: httpx.AsyncClient, path: str
) -> None:
    answer = await client.options(path, headers=preflight("POST"))
    assert "access-control-allow-origin" not in answer.headers
    called = await client.get(path, headers={"Origin": SPA_ORIGIN})
    assert "access-control-allow-origin" not in called.headers


async def test_the_operators_origins_do_not_narrow_the_open_endpoints(
    make_app: AppFactory,
) -> None:
    app = await make_app(cors_origins=["https://console.example"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        token = await http.options(TOKEN_ENDPOINT, headers=preflight("POST", "content-type"))
        assert token.status_code == 204
        assert token.headers["access-control-allow-origin"] == "*"
        # Elsewhere the operator's list still decides.
        me = await http.options("/api/v1/users/me", headers=preflight("GET"))
        assert me.status_code == 400
        assert "access-control-allow-origin" not in me.headers


async def register(clients: OAuthClients, redirect_uri: str, *, public: bool) -> dict[str, str]:
    body = {
        "name": "Native",
        "grant_types": ["authorization_code"],
        "scopes": ["openid"],
        "redirect_uris": [redirect_uri],
        "post_logout_redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "none" if public else "client_secret_basic",
    }
    response = await clients.http.post(CLIENTS, json=body, headers=await clients.admin())
    assert response.status_code == 201, response.text
    created: dict[str, str] = response.json()
    return created


def authorize_query(client_id: str, redirect_uri: str) -> dict[str, str]:
    return {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "openid",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }


@pytest.mark.parametrize(
    ("registered", "requested", "accepted"),
    [
        ("http://127.0.0.1/cb", "http://127.0.0.1:51234/cb", True),
        ("http://127.0.0.1:8080/cb", "http://127.0.0.1:51234/cb", True),
        ("http://[::1]/cb", "http://[::1]:51234/cb", True),
        ("http://127.0.0.1/cb", "http://127.0.0.1:51234/other", False),
        ("http://127.0.0.1/cb", "http://127.0.0.1:51234/cb?x=1", False),
        ("http://127.0.0.1/cb", "http://[::1]:51234/cb", False),
        ("http://127.0.0.1/cb", "http://evil@127.0.0.1:51234/cb", False),
        ("http://127.0.0.1/cb", "http://127.0.0.1:port/cb", False),
        ("http://[::1]/cb", "http://[::1:51234/cb", False),
        # Only IP literals: `localhost` may resolve elsewhere (RFC 8252 §8.3).
        ("http://localhost:3000/cb", "http://localhost:3001/cb", False),
        ("https://app.example/cb", "https://app.example:8443/cb", False),
    ],
)
async def test_a_loopback_redirect_uri_on_any_port(
    clients: OAuthClients,
    client: httpx.AsyncClient,
    registered: str,
    requested: str,
    accepted: bool,
) -> None:
    app = await register(clients, registered, public=True)
    response = await client.get("/authorize", params=authorize_query(app["client_id"], requested))
    if accepted:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/sign-in?")
    else:
        assert response.status_code == 400
        assert "invalid_redirect_uri" in response.text
        assert "location" not in response.headers


async def test_a_public_client_revokes_its_own_tokens(
    app: FastAPI, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await clients.accounts.user("juan")
    spa = await register(clients, "https://spa.example/cb", public=True)
    rp = relying_party(app, {**spa, "client_secret": None}, "openid")
    rp.redirect_uri = "https://spa.example/cb"
    verifier = secrets.token_urlsafe(48)
    url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=verifier)
    back = await browse(client, url)
    async with rp:
        token = await rp.fetch_token(
            TOKEN_ENDPOINT, authorization_response=back.headers["location"], code_verifier=verifier
        )
    access = token["access_token"]
    assert (await client.get(USERINFO, headers=bearer(access))).status_code == 200
    form = {"token": access, "client_id": spa["client_id"]}
    assert (await client.post(REVOKE, data=form)).status_code == 200
    assert (await client.get(USERINFO, headers=bearer(access))).status_code == 401
    # Introspection stays for confidential clients.
    named = await client.post("/api/v1/oauth/introspect", data=form)
    assert named.status_code == 401


async def test_a_disabled_apps_logout_redirect_is_refused(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    app = await register(clients, "https://app.example/bye", public=False)
    query = {"client_id": app["client_id"], "post_logout_redirect_uri": "https://app.example/bye"}
    assert (await client.get("/end-session", params=query)).status_code == 303  # signed out
    disable = {"disabled": True}
    admin = await clients.admin()
    changed = await client.patch(f"{CLIENTS}/{app['client_id']}", json=disable, headers=admin)
    assert changed.status_code == 200
    page = await client.get("/end-session", params=query)
    assert page.status_code == 400
    assert "location" not in page.headers
    assert "invalid_post_logout_redirect_uri" in page.text
    token = csrf_of(await client.get("/sign-in"))
    posted = await client.post("/end-session", data={**query, "csrf_token": token})
    assert posted.status_code == 400
    assert "location" not in posted.headers
