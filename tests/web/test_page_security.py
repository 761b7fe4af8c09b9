"""Every page and every form, attacked: a form without its CSRF token, every redirect
parameter pointed elsewhere, the security headers on every page, and the cookies'
flags in production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from aurum.oauth.authorize_router import router as authorize_router
from aurum.oauth.logout_router import router as logout_router
from aurum.web import email_links, invitations, password_pages, sign_in, sign_up
from tests.conftest import PASSWORD, Accounts, AppFactory
from tests.mfa.test_totp import code, enrol
from tests.oauth.code_flow import AFTER_LOGOUT, REDIRECT, register_app
from tests.oauth.support import OAuthClients
from tests.web.support import assert_page_headers, csrf_of

PAGE_ROUTERS = [
    email_links.router,
    invitations.router,
    password_pages.router,
    sign_in.router,
    sign_up.router,
    authorize_router,
    logout_router,
]
# Each form of the pages, filled in as a person would, but for its CSRF token.
FORMS: dict[str, dict[str, str]] = {
    "/sign-in": {"login": "juan", "password": PASSWORD, "next": "/account"},
    "/sign-in/second-step": {"mfa_token": "x" * 43, "code": "123456"},
    "/sign-out": {},
    "/sign-up": {"username": "ana", "email": "ana@example.com", "password": PASSWORD},
    "/verify-email": {"token": "x" * 43},
    "/forgot-password": {"email": "juan@example.com"},
    "/reset-password": {
        "token": "x" * 43,
        "new_password": "a brand new secret",
        "new_password_confirm": "a brand new secret",
    },
    "/accept-invitation": {"token": "x" * 43},
    "/authorize/consent": {"params": "client_id=x", "decision": "allow"},
    "/end-session": {"post_logout_redirect_uri": AFTER_LOGOUT},
}
# The authorization endpoint takes an app's request (OpenID Connect Core §3.1.2.1), not a
# form of these pages: it only ever leads to a page or back to a registered address.
NOT_FORMS = {"/authorize"}
ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "javascript:alert(1)",
    "/\t/evil.example",
    "http:evil.example",
    "https:/evil.example",
]


@pytest.fixture
def clients(accounts: Accounts) -> OAuthClients:
    return OAuthClients(accounts)


def page_routes(method: str) -> set[str]:
    return {
        route.path
        for router in PAGE_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and method in (route.methods or set())
    }


def test_every_form_is_attacked() -> None:
    assert page_routes("POST") == set(FORMS) | NOT_FORMS


@pytest.mark.parametrize("path", sorted(FORMS))
async def test_a_form_without_its_csrf_token_is_refused(
    accounts: Accounts, client: httpx.AsyncClient, path: str
) -> None:
    await accounts.register("juan")
    other_browser = csrf_of(await client.get("/sign-in"))
    client.cookies.clear()
    await client.get("/sign-in")  # this browser holds its own CSRF cookie
    for form in (FORMS[path], {**FORMS[path], "csrf_token": other_browser}):
        refused = await client.post(path, data=form)
        assert refused.status_code == 403, refused.text
        assert "csrf_failed" in refused.text
        assert "location" not in refused.headers
        assert "aurum_session" not in refused.headers.get("set-cookie", "")
        assert_page_headers(refused)


async def sign_in_form(client: httpx.AsyncClient, login: str, next_page: str) -> httpx.Response:
    page = await client.get("/sign-in")
    form = {"csrf_token": csrf_of(page), "login": login, "password": PASSWORD, "next": next_page}
    return await client.post("/sign-in", data=form)


@pytest.mark.parametrize("target", ELSEWHERE)
async def test_next_never_leaves_the_site_from_any_page(
    accounts: Accounts, client: httpx.AsyncClient, target: str
) -> None:
    """`next` of the sign-in page (signed in already), and of the second step."""
    headers = await accounts.user("juan")
    totp, _ = await enrol(accounts, headers)
    step = await sign_in_form(client, "juan", target)
    assert 'name="mfa_token"' in step.text
    assert target not in step.text.replace("&amp;", "&") or target.startswith("/")
    mfa_token = step.text.split('name="mfa_token" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": csrf_of(step), "mfa_token": mfa_token, "code": code(totp, 1)}
    done = await client.post("/sign-in/second-step", data={**form, "next": target})
    assert done.status_code == 303
    assert done.headers["location"] == "/account"
    signed_in = await client.get("/sign-in", params={"next": target})
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/account"


async def test_next_to_an_unregistered_redirect_uri_ends_on_an_error_page(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    """A sign-in link crafted to pass through /authorize to another site stops there."""
    await accounts.register("juan")
    notas = await register_app(clients)
    query = httpx.QueryParams(
        client_id=notas["client_id"],
        redirect_uri="https://evil.example/callback",
        response_type="code",
        scope="openid",
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        code_challenge_method="S256",
    )
    done = await sign_in_form(client, "juan", f"/authorize?{query}")
    assert done.headers["location"].startswith("/authorize?")
    stop = await client.get(done.headers["location"])
    assert stop.status_code == 400
    assert "location" not in stop.headers
    assert "invalid_redirect_uri" in stop.text


async def test_a_malformed_address_in_next_is_no_server_error(
    client: httpx.AsyncClient,
) -> None:
    next_page = "/authorize?redirect_uri=http://[::1/callback"
    page = await client.get("/sign-in", params={"next": next_page})
    assert page.status_code == 200
    assert "[::1" not in page.headers["content-security-policy"]


@pytest.mark.parametrize(
    "redirect_uri",
    [
        f"{REDIRECT}/",
        f"{REDIRECT}?next=https://evil.example/",
        f"{REDIRECT}#",
        REDIRECT.replace("https://", "http://"),
        REDIRECT.replace("app.example", "APP.example"),
        REDIRECT.replace("app.example", "app.example.evil.example"),
        REDIRECT.replace("app.example", "app.example@evil.example"),
        REDIRECT.replace("app.example", "app.example:443"),
        REDIRECT.replace("/callback", "/%63allback"),
        f"{REDIRECT}%2F..%2F..%2Fevil",
    ],
)
async def test_a_redirect_uri_must_match_exactly(
    clients: OAuthClients, client: httpx.AsyncClient, redirect_uri: str
) -> None:
    notas = await register_app(clients)
    query = {
        "client_id": notas["client_id"],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "openid",
        "state": "xyz",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }
    response = await client.get("/authorize", params=query)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "invalid_redirect_uri" in response.text


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        f"{AFTER_LOGOUT}/",
        f"{AFTER_LOGOUT}?then=https://evil.example/",
        AFTER_LOGOUT.replace("https://", "http://"),
        AFTER_LOGOUT.replace("app.example", "app.example@evil.example"),
        REDIRECT,  # the app's redirect URI is not a post-logout address
        "javascript:alert(1)",
    ],
)
async def test_a_post_logout_redirect_must_be_registered(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient, target: str
) -> None:
    notas = await register_app(clients)
    await accounts.register("juan")
    token = csrf_of(await client.get("/sign-in"))
    query = {"client_id": notas["client_id"], "post_logout_redirect_uri": target}
    for signed_in in (False, True):
        if signed_in:
            await sign_in_form(client, "juan", "/account")
        page = await client.get("/end-session", params=query)
        assert page.status_code == 400
        assert "location" not in page.headers
        assert "invalid_post_logout_redirect_uri" in page.text
        posted = await client.post("/end-session", data={**query, "csrf_token": token})
        assert posted.status_code == 400
        assert "location" not in posted.headers
    assert (await client.get("/account")).status_code == 200  # still signed in


async def test_another_apps_post_logout_redirect_is_refused(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    """An app may only send people to its own addresses, even ones another app registered."""
    mine = await register_app(clients, "Mine")
    body: dict[str, Any] = {
        "name": "Theirs",
        "grant_types": ["authorization_code"],
        "scopes": ["openid"],
        "redirect_uris": ["https://theirs.example/cb"],
        "post_logout_redirect_uris": ["https://theirs.example/bye"],
    }
    admin = await clients.admin()
    assert (await client.post("/api/v1/oauth/clients", json=body, headers=admin)).status_code == 201
    query = {
        "client_id": mine["client_id"],
        "post_logout_redirect_uri": "https://theirs.example/bye",
    }
    page = await client.get("/end-session", params=query)
    assert page.status_code == 400
    assert "location" not in page.headers


@pytest.mark.parametrize("signed_in", [False, True])
async def test_every_page_sends_the_security_headers(
    accounts: Accounts, client: httpx.AsyncClient, signed_in: bool
) -> None:
    await accounts.register("juan")
    if signed_in:
        await sign_in_form(client, "juan", "/account")
    for path in sorted(page_routes("GET")):
        response = await client.get(path)
        assert_page_headers(response)
        csp = response.headers["content-security-policy"]
        assert "base-uri 'none'" in csp
        assert "form-action 'self'" in csp
        assert "unsafe-inline" not in csp
    assert_page_headers(await client.get("/authorize?client_id=nobody"))  # an error page


async def test_cookies_in_production(make_app: AppFactory, tmp_path: Path) -> None:
    """Secure, HttpOnly, SameSite, `__Host-` (so no Domain, Path=/), and a lifetime."""
    app = await make_app(
        environment="production",
        email_backend="file",  # production refuses the console backend
        email_file_dir=str(tmp_path),
        issuer="https://id.example.org",
        public_base_url="https://id.example.org",
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        await Accounts(http, app.state.aurum).register("juan")
        page = await http.get("/sign-in")
        done = await sign_in_form(http, "juan", "/account")
    assert done.status_code == 303
    cookies = {
        header.split("=", 1)[0]: header
        for response in (page, done)
        for header in response.headers.get_list("set-cookie")
    }
    assert set(cookies) == {"__Host-aurum_csrf", "__Host-aurum_session"}
    for name, header in cookies.items():
        flags = [flag.strip().lower() for flag in header.split(";")[1:]]
        assert "secure" in flags, name
        assert "httponly" in flags, name
        assert "path=/" in flags, name
        assert not any(flag.startswith("domain") for flag in flags), name
    assert "samesite=strict" in cookies["__Host-aurum_csrf"].lower()
    session = cookies["__Host-aurum_session"].lower()
    assert "samesite=lax" in session  # it must come along when an app sends the person
    assert "max-age=43200" in session  # BROWSER_SESSION_HOURS
