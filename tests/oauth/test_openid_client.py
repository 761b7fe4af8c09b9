"""Sign in with Aurum from openid-client (Node), a certified relying-party library:
discovery, the code flow with PKCE (a native app's loopback redirect URI, on the port it
happens to use), the ID token, UserInfo and a refresh, against a live Aurum. The person's
part (signing in, consenting) is the hosted pages, driven over HTTP."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import Accounts
from tests.live_server import CLIENT_TIMEOUT, free_port, live_server
from tests.node import install_packages, require_node
from tests.oauth.code_flow import browse
from tests.relying_parties.spa import PACKAGES

SCRIPT = PACKAGES / "openid_client.mjs"
# Registered without a port: the app listens wherever it can (RFC 8252 §7.3).
REDIRECT = "http://127.0.0.1/callback"


@pytest.fixture
async def issuer(migrated_url: str) -> AsyncIterator[tuple[str, Accounts]]:
    install_packages(PACKAGES, "the openid-client test")
    async with (
        live_server(migrated_url) as (url, app),
        httpx.AsyncClient(base_url=url, timeout=CLIENT_TIMEOUT) as http,
    ):
        yield url, Accounts(http, app.state.aurum)


async def register(accounts: Accounts) -> dict[str, Any]:
    # The live server commits to the shared test database: names no other test uses.
    admin = await accounts.admin(f"admin{uuid.uuid4().hex[:10]}")
    body = {
        "name": "Notas CLI",
        "grant_types": ["authorization_code", "refresh_token"],
        "scopes": ["openid", "profile", "email", "offline_access"],
        "redirect_uris": [REDIRECT],
    }
    response = await accounts.client.post("/api/v1/oauth/clients", json=body, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def read_json(process: asyncio.subprocess.Process) -> dict[str, Any]:
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
    if not line:
        assert process.stderr is not None
        raise AssertionError((await process.stderr.read()).decode())
    result: dict[str, Any] = json.loads(line)
    return result


async def test_openid_client_signs_a_person_in(issuer: tuple[str, Accounts]) -> None:
    url, accounts = issuer
    person = f"oc{uuid.uuid4().hex[:10]}"
    await accounts.register(person)
    app = await register(accounts)
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    process = await asyncio.create_subprocess_exec(
        require_node("the openid-client test"),
        str(SCRIPT),
        url,
        app["client_id"],
        app["client_secret"],
        redirect_uri,
        cwd=PACKAGES,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        authorization_url = (await read_json(process))["authorization_url"]
        assert authorization_url.startswith(f"{url}/authorize?")
        async with httpx.AsyncClient(base_url=url, timeout=CLIENT_TIMEOUT) as browser:
            back = await browse(browser, authorization_url, login=person)
        callback = back.headers["location"]
        assert callback.startswith(f"{redirect_uri}?code=")
        assert process.stdin is not None
        process.stdin.write(f"{callback}\n".encode())
        await process.stdin.drain()
        learnt = await read_json(process)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()

    claims = learnt["claims"]
    assert claims["iss"] == url
    assert claims["aud"] == app["client_id"]
    assert claims["amr"] == ["pwd"]
    assert learnt["userinfo"]["sub"] == claims["sub"]
    assert learnt["userinfo"]["preferred_username"] == person
    assert learnt["userinfo"]["email"] == f"{person}@example.com"
    assert set(learnt["scope"].split()) == {"openid", "profile", "email", "offline_access"}
    assert learnt["refreshed_access_token"] != learnt["access_token"]
    assert learnt["rotated"] is True
