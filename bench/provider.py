"""What S10-S12 need from a running Aurum, made the way an app and a person would make it.

A first-party web app (a confidential client, no consent screen) registered through the
admin API; people signed in on the hosted sign-in page, whose browser-session cookies the
code-flow load then presents; one PKCE verifier for every flow (each code is single-use, so
sharing the challenge costs the flows nothing); and access tokens from complete code
flows, for UserInfo.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from bench.service import PASSWORD

REDIRECT_URI = "http://127.0.0.1:9/callback"  # never contacted: the load reads the Location
SCOPE = "openid profile email"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True, slots=True)
class WebApp:
    client_id: str
    basic: str  # base64 of client_id:client_secret, for the token endpoint
    verifier: str
    challenge: str

    def authorize_query(self) -> str:
        return urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": REDIRECT_URI,
                "scope": SCOPE,
                "state": "bench",
                "nonce": "bench",
                "code_challenge": self.challenge,
                "code_challenge_method": "S256",
            }
        )


@dataclass(frozen=True, slots=True)
class Browser:
    """A browser at the sign-in page: its cookies as one header, and the form's token."""

    cookie: str
    csrf_token: str


async def register_web_app(base_url: str, admin_token: str) -> WebApp:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        response = await client.post(
            "/api/v1/oauth/clients",
            json={
                "name": "bench web app",
                "grant_types": ["authorization_code"],
                "scopes": SCOPE.split(),
                "first_party": True,
                "redirect_uris": [REDIRECT_URI],
            },
            headers={"Authorization": f"Bearer {admin_token}"},
        )
        response.raise_for_status()
    body = response.json()
    basic = base64.b64encode(f"{body['client_id']}:{body['client_secret']}".encode()).decode()
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return WebApp(body["client_id"], basic, verifier, challenge)


def _cookie_header(response: httpx.Response, cookie: str = "") -> str:
    # The cookies are Secure in production and the load runs on plain http on loopback:
    # they are sent by hand, as a header, rather than through a cookie jar that would drop them.
    jar = dict(part.split("=", 1) for part in cookie.split("; ") if part)
    jar.update(response.cookies.items())
    return "; ".join(f"{name}={value}" for name, value in jar.items())


async def fresh_browser(base_url: str) -> Browser:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        return await open_browser(client)


async def open_browser(client: httpx.AsyncClient) -> Browser:
    page = await client.get("/sign-in")
    page.raise_for_status()
    found = _CSRF_FIELD.search(page.text)
    if found is None:
        msg = "the sign-in page carries no CSRF token"
        raise RuntimeError(msg)
    return Browser(_cookie_header(page), found[1])


async def signed_in_browsers(
    base_url: str, usernames: list[str], concurrency: int = 4
) -> list[str]:
    """Cookie headers of browsers where each person signed in on the hosted page."""
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:

        async def one(username: str) -> str:
            async with limit:
                browser = await open_browser(client)
                response = await client.post(
                    "/sign-in",
                    data={
                        "login": username,
                        "password": PASSWORD,
                        "csrf_token": browser.csrf_token,
                    },
                    headers={"Cookie": browser.cookie},
                )
            if response.status_code != 303:
                msg = f"hosted sign-in gave {response.status_code}"
                raise RuntimeError(msg)
            return _cookie_header(response, browser.cookie)

        return list(await asyncio.gather(*(one(name) for name in usernames)))


async def code_flow_tokens(base_url: str, app: WebApp, cookies: list[str]) -> list[str]:
    """An access token per browser, from a complete code flow (for UserInfo)."""
    tokens = []
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        for cookie in cookies:
            redirect = await client.get(
                f"/authorize?{app.authorize_query()}", headers={"Cookie": cookie}
            )
            location = redirect.headers.get("location", "")
            code = parse_qs(urlsplit(location).query).get("code")
            if redirect.status_code not in (302, 303) or not code:
                msg = f"authorize gave {redirect.status_code} {location[:80]}"
                raise RuntimeError(msg)
            response = await client.post(
                "/api/v1/oauth/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code[0],
                    "redirect_uri": REDIRECT_URI,
                    "code_verifier": app.verifier,
                },
                headers={"Authorization": f"Basic {app.basic}"},
            )
            response.raise_for_status()
            tokens.append(response.json()["access_token"])
    return tokens
