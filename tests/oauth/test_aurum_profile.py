"""The `aurum:profile` scope: XP, level and the profile's location at UserInfo."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
from fastapi import FastAPI

from tests.conftest import Accounts
from tests.oauth.code_flow import AUTHORIZE, USERINFO, browse, register_app, relying_party
from tests.oauth.support import OAuthClients
from tests.users.test_profile import ids

SCOPES = ["openid", "profile", "aurum:profile"]


async def signed_in_info(
    app: FastAPI, clients: OAuthClients, browser: httpx.AsyncClient, scope: str
) -> dict[str, Any]:
    """UserInfo's answer for juan, after a code flow asking for `scope`."""
    notas = await register_app(clients, scopes=SCOPES)
    rp = relying_party(app, notas, scope)
    verifier = secrets.token_urlsafe(48)
    url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=verifier)
    back = await browse(browser, url)
    async with rp:
        await rp.fetch_token(
            "http://testserver/api/v1/oauth/token",
            authorization_response=back.headers["location"],
            code_verifier=verifier,
        )
        response = await rp.get(USERINFO)
    assert response.status_code == 200, response.text
    info: dict[str, Any] = response.json()
    return info


async def test_xp_level_and_location(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    headers = await accounts.user("juan")
    quito = await ids(client, "1701")
    assert (await client.patch("/api/v1/users/me", json=quito, headers=headers)).is_success
    award = {"amount": 450, "reason": "bienvenida"}
    admin = await clients.admin()
    assert (await client.post("/api/v1/users/juan/xp", json=award, headers=admin)).is_success

    info = await signed_in_info(app, clients, client, "openid aurum:profile")
    assert info["xp"] == 450
    assert info["level"] == 3  # level 3 from 400 XP
    assert info["location"] == {
        "region": {"code": "SIERRA", "name": "Sierra"},
        "province": {"code": "17", "name": "Pichincha"},
        "canton": {"code": "1701", "name": "Quito"},
    }
    assert "preferred_username" not in info  # `profile` was not asked for


async def test_a_profile_without_a_place(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    info = await signed_in_info(app, clients, client, "openid aurum:profile")
    assert (info["xp"], info["level"]) == (0, 1)
    assert "location" not in info


async def test_not_without_the_scope(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    info = await signed_in_info(app, clients, client, "openid profile")
    assert info["preferred_username"] == "juan"
    assert "locale" not in info  # no language chosen yet
    assert not {"xp", "level", "location"} & set(info)


async def test_the_profile_scope_says_the_language_the_person_prefers(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    headers = await accounts.user("juan")
    patched = await client.patch("/api/v1/users/me", json={"locale": "es"}, headers=headers)
    assert patched.is_success
    info = await signed_in_info(app, clients, client, "openid profile")
    assert info["locale"] == "es"


async def test_the_consent_page_says_it_in_words(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    notas = await register_app(clients, scopes=SCOPES)
    rp = relying_party(app, notas, "openid aurum:profile")
    verifier = secrets.token_urlsafe(48)
    for locale, words in (
        ("en", "See your XP, your level and where you are (region, province and canton)"),
        ("es", "Ver tu XP, tu nivel y dónde estás (región, provincia y cantón)"),
    ):
        url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=verifier, ui_locales=locale)
        page = await browse(client, url, consent=None)
        assert page.status_code == 200
        assert "consent" in page.text
        assert words in page.text


async def test_discovery_lists_the_scope_and_its_claims(client: httpx.AsyncClient) -> None:
    metadata = (await client.get("/.well-known/openid-configuration")).json()
    assert "aurum:profile" in metadata["scopes_supported"]
    assert {"xp", "level", "location"} <= set(metadata["claims_supported"])
