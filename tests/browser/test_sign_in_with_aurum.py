"""Sign in with Aurum in a real Chromium: two web apps built on Authlib's Starlette client,
the person signing in once for both, and signing out from one: the other is told through
its back-channel. The second app chose Ed25519 ID tokens (RFC 9864), which Authlib
verifies as discovery allows it; its logout tokens are signed the same way."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page

from tests.browser.conftest import screenshot
from tests.browser.relying_party import relying_party, served
from tests.conftest import PASSWORD, Accounts
from tests.live_server import CLIENT_TIMEOUT, live_server
from tests.oauth.support import signing_keys_restored


async def register(
    http: httpx.AsyncClient, admin: dict[str, str], name: str, base: str, **extra: str
) -> Any:
    body = {
        **extra,
        "name": name,
        "grant_types": ["authorization_code"],
        "scopes": ["openid", "profile", "email"],
        "redirect_uris": [f"{base}/callback"],
        "post_logout_redirect_uris": [f"{base}/bye"],
        "backchannel_logout_uri": f"{base}/backchannel-logout",
    }
    response = await http.post("/api/v1/oauth/clients", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1000, "height": 800})
    yield await context.new_page()
    await context.close()


async def test_two_apps_one_sign_in_and_signing_out(page: Page, migrated_url: str) -> None:
    async with (
        signing_keys_restored(migrated_url),  # the Ed25519 chain Tareas starts
        live_server(migrated_url) as (issuer, app),
        httpx.AsyncClient(base_url=issuer, timeout=CLIENT_TIMEOUT) as http,
    ):
        accounts = Accounts(http, app.state.aurum)
        # The live server commits to the shared test database: names no other test uses.
        person = f"rp{uuid.uuid4().hex[:10]}"
        await accounts.register(person)
        admin = await accounts.admin(f"admin{uuid.uuid4().hex[:10]}")
        clients: dict[str, Any] = {}
        async with served(lambda base: _later(issuer, clients, "notas", base)) as notas_url:
            clients["notas"] = await register(http, admin, "Notas", notas_url)
            async with served(lambda base: _later(issuer, clients, "tareas", base)) as tareas_url:
                clients["tareas"] = await register(
                    http, admin, "Tareas", tareas_url, id_token_signed_response_alg="Ed25519"
                )
                await _journey(page, notas_url, tareas_url, person)


def _later(issuer: str, clients: dict[str, Any], name: str, base: str) -> Any:
    """The app, built on its first request: its client is registered once it listens
    (the redirect URI names its port)."""
    built: dict[str, Any] = {}

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if "app" not in built:
            client = clients[name]
            built["app"] = relying_party(issuer, client["client_id"], client["client_secret"], base)
        await built["app"](scope, receive, send)

    return asgi


async def _journey(page: Page, notas: str, tareas: str, person: str) -> None:
    # The first app: Aurum's sign-in page, then its consent page, then back.
    await page.goto(f"{notas}/login")
    await page.fill("#login", person)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=Notas wants to sign you in")
    await screenshot(page, "consent.png")
    await page.click("button[value=allow]")
    await page.wait_for_url(f"{notas}/callback*")
    assert await page.text_content("#who") == person
    sub = await page.text_content("#sub")

    # The second app: no password, only its own consent.
    await page.goto(f"{tareas}/login")
    await page.wait_for_selector("text=Tareas wants to sign you in")
    assert await page.query_selector("#password") is None
    await page.click("button[value=allow]")
    await page.wait_for_url(f"{tareas}/callback*")
    assert await page.text_content("#sub") == sub
    await page.goto(f"{tareas}/me")
    assert await page.query_selector("#in") is not None

    # Signing out from the first app ends the session at Aurum.
    await page.goto(f"{notas}/logout")
    await page.wait_for_selector("text=Sign out of Aurum on this browser?")
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{notas}/bye*")
    assert await page.text_content("#bye") == "bye-state"
    # The other app was told through its back-channel: its own session of the person ended.
    for _ in range(50):
        await page.goto(f"{tareas}/me")
        if await page.query_selector("#out") is not None:
            break
        await page.wait_for_timeout(100)
    assert await page.text_content("#out") == "signed out"
    await page.goto(f"{tareas}/login")
    await page.wait_for_selector("#password")  # asked to sign in again
