"""Sign in with Aurum from a single-page app built on oidc-client-ts, in a real Chromium:
a public client on its own origin (every call to Aurum is cross-origin), the code flow
with PKCE, the ID token's claims and UserInfo, and signing out."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.browser.conftest import OfflinePage, screenshot
from tests.browser.relying_party import served
from tests.conftest import PASSWORD, Accounts
from tests.live_server import CLIENT_TIMEOUT, live_server
from tests.mfa.test_totp import code, enrol
from tests.node import install_packages
from tests.relying_parties.spa import PACKAGES, single_page_app

# What oidc-client-ts keeps of the signed-in user, in the page's sessionStorage.
STORED_USER = """() => {
    const key = Object.keys(sessionStorage).find((name) => name.startsWith("oidc.user:"));
    return key ? sessionStorage.getItem(key) : null;
}"""


@pytest.fixture(scope="module")
def packages() -> None:
    install_packages(PACKAGES, "the single-page app's test (oidc-client-ts)")


@pytest.fixture
async def issuer(migrated_url: str, packages: None) -> AsyncIterator[tuple[str, Accounts]]:
    async with (
        live_server(migrated_url) as (url, app),
        httpx.AsyncClient(base_url=url, timeout=CLIENT_TIMEOUT) as http,
    ):
        yield url, Accounts(http, app.state.aurum)


async def register_spa(
    accounts: Accounts, spa: str, name: str = "Notas SPA", *, first_party: bool = False
) -> dict[str, Any]:
    # The live server commits to the shared test database: names no other test uses.
    admin = await accounts.admin(f"admin{uuid.uuid4().hex[:10]}")
    body = {
        "name": name,
        "first_party": first_party,
        "grant_types": ["authorization_code"],
        "scopes": ["openid", "profile", "email"],
        "redirect_uris": [f"{spa}/callback"],
        "post_logout_redirect_uris": [f"{spa}/bye"],
        "token_endpoint_auth_method": "none",
    }
    response = await accounts.client.post("/api/v1/oauth/clients", json=body, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_single_page_app_signs_in_and_out(
    issuer: tuple[str, Accounts], offline_page: OfflinePage
) -> None:
    url, accounts = issuer
    person = f"spa{uuid.uuid4().hex[:10]}"
    await accounts.register(person)
    client: dict[str, Any] = {}
    async with served(lambda base: single_page_app(url, lambda: client["client_id"])) as spa:
        client.update(await register_spa(accounts, spa))
        page = offline_page.page
        await page.goto(f"{spa}/")
        await page.click("#sign-in")
        await page.fill("#login", person)
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_selector("text=Notas SPA wants to sign you in")
        await page.click("button[value=allow]")
        await page.wait_for_url(f"{spa}/callback*")
        await page.wait_for_selector("body[data-ready=true]")
        assert await page.text_content("#error") == ""
        # UserInfo's claims (loaded with the access token, cross-origin) and the ID token's.
        assert await page.text_content("#who") == person
        assert await page.text_content("#email") == f"{person}@example.com"
        claims = json.loads(await page.text_content("#claims") or "{}")
        assert claims["iss"] == url
        assert claims["aud"] == client["client_id"]
        assert claims["sub"] == await page.text_content("#sub")
        assert claims["amr"] == ["pwd"]
        assert claims["azp"] == client["client_id"]
        assert {"auth_time", "sid", "exp", "iat"} <= set(claims)
        await screenshot(page, "single-page-app.png")
        stored = json.loads(await page.evaluate(STORED_USER))
        access_token = stored["access_token"]
        userinfo = f"{url}/api/v1/oauth/userinfo"
        bearer = {"Authorization": f"Bearer {access_token}"}
        assert (await accounts.client.get(userinfo, headers=bearer)).status_code == 200

        # Signing out: the app revokes its access token, then Aurum asks to confirm.
        await page.click("#sign-out")
        await page.wait_for_selector("text=Sign out of Aurum on this browser?")
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{spa}/bye*")
        await page.wait_for_selector("body[data-ready=true]")
        assert await page.text_content("#bye") == "signed out"
        assert await page.text_content("#error") == ""
        assert (await accounts.client.get(userinfo, headers=bearer)).status_code == 401
        # The session at Aurum has ended too: signing in again asks for the password.
        await page.goto(f"{spa}/")
        await page.click("#sign-in")
        await page.wait_for_selector("#password")
    assert offline_page.outside == []


async def test_two_step_sign_in_consent_and_a_first_party_app_that_asks_nothing(
    issuer: tuple[str, Accounts], offline_page: OfflinePage
) -> None:
    url, accounts = issuer
    person = f"spa{uuid.uuid4().hex[:10]}"
    totp, _ = await enrol(accounts, await accounts.user(person))
    ids: dict[str, str] = {}
    async with (
        served(lambda base: single_page_app(url, lambda: ids["notas"])) as notas,
        served(lambda base: single_page_app(url, lambda: ids["own"])) as own,
    ):
        ids["notas"] = (await register_spa(accounts, notas))["client_id"]
        own_app = await register_spa(accounts, own, "Aurum Web", first_party=True)
        ids["own"] = own_app["client_id"]
        page = offline_page.page
        await page.goto(f"{notas}/")
        await page.click("#sign-in")
        await page.fill("#login", person)
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        # The second step: a code of the authenticator app.
        await page.wait_for_selector("input[autocomplete=one-time-code]")
        await page.fill("#code", code(totp, 1))
        await page.click("button[type=submit]")
        # The consent page: the app's name and what it asks for, in words.
        await page.wait_for_selector("text=Notas SPA wants to sign you in")
        asked = await page.locator("ul.scopes li").all_text_contents()
        assert asked == [
            "Know who you are on Aurum",
            "See your name and username",
            "See your email address",
        ]
        await screenshot(page, "consent-single-page-app.png")
        await page.click("button[value=allow]")
        await page.wait_for_url(f"{notas}/callback*")
        await page.wait_for_selector("body[data-ready=true]")
        assert await page.text_content("#error") == ""
        claims = json.loads(await page.text_content("#claims") or "{}")
        assert claims["amr"] == ["pwd", "otp", "mfa"]
        assert claims["acr"] == "2"

        # A first-party app on another origin: no page at all, straight back signed in.
        seen: list[str] = []
        page.on("framenavigated", lambda frame: seen.append(frame.url))
        await page.goto(f"{own}/")
        await page.click("#sign-in")
        await page.wait_for_url(f"{own}/callback*")
        await page.wait_for_selector("body[data-ready=true]")
        assert await page.text_content("#error") == ""
        assert await page.text_content("#who") == person
        shown = [address for address in seen if address.startswith(url)]
        assert shown == [], shown  # Aurum only redirected: it showed nothing
        again = json.loads(await page.text_content("#claims") or "{}")
        assert again["aud"] == own_app["client_id"]
        assert again["sid"] == claims["sid"]  # the same session at Aurum
        assert again["amr"] == ["pwd", "otp", "mfa"]
    assert offline_page.outside == []
