"""Registering where an app is told of sign-outs: the redirect URIs' rules."""

from __future__ import annotations

import httpx
import pytest

from tests.oauth.support import CLIENTS, OAuthClients

APP = {
    "name": "Notas",
    "grant_types": ["authorization_code"],
    "redirect_uris": ["https://notas.example/callback"],
}


@pytest.mark.parametrize(
    "uri",
    [
        "http://notas.example/logout",  # http only on a loopback address
        "https://notas.example/logout#frag",
        "/logout",
        "https://user:pw@notas.example/logout",
        "https://notas.example/" + "a" * 2048,
    ],
)
async def test_an_unsafe_address_is_refused(
    clients: OAuthClients, client: httpx.AsyncClient, uri: str
) -> None:
    body = {**APP, "backchannel_logout_uri": uri}
    response = await client.post(CLIENTS, json=body, headers=await clients.admin())
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


async def test_registered_changed_and_removed(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    admin = await clients.admin()
    plain = await client.post(CLIENTS, json=APP, headers=admin)
    assert plain.json()["backchannel_logout_uri"] is None
    body = {**APP, "backchannel_logout_uri": "https://notas.example/logout?tenant=1"}
    created = (await client.post(CLIENTS, json=body, headers=admin)).json()
    assert created["backchannel_logout_uri"] == "https://notas.example/logout?tenant=1"
    url = f"{CLIENTS}/{created['client_id']}"

    native = "http://127.0.0.1:8123/logout"
    changed = await client.patch(url, json={"backchannel_logout_uri": native}, headers=admin)
    assert changed.status_code == 200
    assert changed.json()["backchannel_logout_uri"] == native
    kept = await client.patch(url, json={"name": "Notas 2"}, headers=admin)
    assert kept.json()["backchannel_logout_uri"] == native
    removed = await client.patch(url, json={"backchannel_logout_uri": ""}, headers=admin)
    assert removed.json()["backchannel_logout_uri"] is None
    assert (await client.get(url, headers=admin)).json()["backchannel_logout_uri"] is None
