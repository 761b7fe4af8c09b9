"""A relying party (Authlib's client) and a browser (an httpx client keeping cookies) going
through the authorization code flow against the app in process."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from authlib.integrations.httpx_client import AsyncOAuth2Client
from fastapi import FastAPI

from tests.conftest import PASSWORD
from tests.oauth.support import CLIENTS, OAuthClients
from tests.web.support import csrf_of

ISSUER = "http://testserver"
TOKEN_ENDPOINT = f"{ISSUER}/api/v1/oauth/token"
AUTHORIZE = f"{ISSUER}/authorize"
USERINFO = f"{ISSUER}/api/v1/oauth/userinfo"
REDIRECT = "https://app.example/callback"
AFTER_LOGOUT = "https://app.example/bye"
SCOPES = ["email", "offline_access", "openid", "profile"]


async def register_app(
    clients: OAuthClients,
    name: str = "Notas",
    *,
    public: bool = False,
    first_party: bool = False,
    scopes: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "name": name,
        "grant_types": ["authorization_code", "refresh_token"],
        "scopes": SCOPES if scopes is None else scopes,
        "first_party": first_party,
        "redirect_uris": [REDIRECT],
        "post_logout_redirect_uris": [AFTER_LOGOUT],
        "token_endpoint_auth_method": "none" if public else "client_secret_basic",
        **extra,
    }
    response = await clients.http.post(CLIENTS, json=body, headers=await clients.admin())
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def relying_party(app: FastAPI, client: dict[str, Any], scope: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        token_endpoint_auth_method=client["token_endpoint_auth_method"],
        scope=scope,
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        transport=httpx.ASGITransport(app=app),
    )


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


async def browse(
    browser: httpx.AsyncClient,
    url: str,
    *,
    login: str = "juan",
    consent: str | None = "allow",
) -> httpx.Response:
    """Follow the browser's way from the app to Aurum and back: signing in and answering
    the consent page when they come. The last response: the one that leaves Aurum (or a
    page that stops the journey)."""
    response = await browser.get(local(url))
    for _ in range(10):
        location = response.headers.get("location")
        if location is not None and not location.startswith("/"):
            return response  # back to the app
        if location is not None:
            response = await browser.get(location)
            continue
        if 'name="login"' in response.text:
            next_field = response.text.split('name="next" value="', 1)[1].split('"', 1)[0]
            form = {
                "csrf_token": csrf_of(response),
                "login": login,
                "password": PASSWORD,
                "next": next_field.replace("&amp;", "&"),
            }
            response = await browser.post("/sign-in", data=form)
            continue
        if 'name="decision"' in response.text and consent is not None:
            params = response.text.split('name="params" value="', 1)[1].split('"', 1)[0]
            form = {
                "csrf_token": csrf_of(response),
                "params": params.replace("&amp;", "&"),
                "decision": consent,
            }
            response = await browser.post("/authorize/consent", data=form)
            continue
        return response
    raise AssertionError("the journey did not end")


def answer(response: httpx.Response) -> dict[str, str]:
    """The query the app got back at its redirect URI."""
    location = response.headers.get("location", "")
    assert location.startswith(REDIRECT), (response.status_code, location, response.text[:2000])
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


async def verified_id_token(
    http: httpx.AsyncClient, token: str, client_id: str, nonce: str | None = None
) -> dict[str, Any]:
    """Checked as a relying party must (OpenID Connect Core §3.1.3.7), keys from the JWKS."""
    jwks = (await http.get("/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWKSet.from_dict(jwks)[kid]
    claims: dict[str, Any] = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        audience=client_id,
        issuer=ISSUER,
        options={"require": ["iss", "sub", "aud", "exp", "iat", "auth_time"]},
    )
    if nonce is not None:
        assert claims["nonce"] == nonce
    assert claims["azp"] == client_id
    return claims
