"""Sign in with Aurum: the authorization code flow with PKCE, ID tokens, UserInfo and
sign-out, driven by a real relying party (Authlib's OAuth 2 client)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import time_machine
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata
from fastapi import FastAPI
from joserfc import jwt
from joserfc.jwk import KeySet

from aurum.db.base import utcnow
from tests.conftest import Accounts, AppFactory
from tests.oauth.code_flow import (
    AFTER_LOGOUT,
    AUTHORIZE,
    ISSUER,
    REDIRECT,
    TOKEN_ENDPOINT,
    USERINFO,
    answer,
    browse,
    local,
    register_app,
    relying_party,
    verified_id_token,
)
from tests.oauth.support import OAuthClients, bearer
from tests.web.support import assert_page_headers, csrf_of

SCOPE = "openid profile email offline_access"


async def test_an_app_signs_a_person_in(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    notas = await register_app(clients)
    rp = relying_party(app, notas, SCOPE)
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = rp.create_authorization_url(AUTHORIZE, code_verifier=verifier, nonce=nonce)

    back = await browse(client, url)
    got = answer(back)
    assert got["state"] == state
    assert got["iss"] == ISSUER
    authorization_response = back.headers["location"]
    async with rp:
        token = await rp.fetch_token(
            TOKEN_ENDPOINT, authorization_response=authorization_response, code_verifier=verifier
        )
        assert token["token_type"] == "Bearer"
        assert set(token["scope"].split()) == set(SCOPE.split())
        assert token["refresh_token"]
        claims = await verified_id_token(client, token["id_token"], notas["client_id"], nonce)
        assert claims["amr"] == ["pwd"]
        await authlib_validates(client, token, notas["client_id"], nonce)
        info = (await rp.get(USERINFO)).json()
        assert info["sub"] == claims["sub"]
        assert info["preferred_username"] == "juan"
        assert info["email"] == "juan@example.com"
        assert info["email_verified"] is False
        # RFC 9068: the access token names the client.
        introspected = await client.get("/api/v1/users/me", headers=bearer(token["access_token"]))
        assert introspected.status_code == 200
        refreshed = await rp.refresh_token(TOKEN_ENDPOINT)
        assert refreshed["access_token"] != token["access_token"]


async def authlib_validates(
    http: httpx.AsyncClient, token: dict[str, Any], client_id: str, nonce: str
) -> None:
    """The ID token as Authlib's OpenID clients check it (OpenID Connect Core §3.1.3.7)."""
    keys = KeySet.import_key_set((await http.get("/.well-known/jwks.json")).json())
    decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    params = {"nonce": nonce, "client_id": client_id, "access_token": token["access_token"]}
    options = {"iss": {"values": [ISSUER]}}
    CodeIDToken(decoded.claims, decoded.header, options, params).validate()


async def test_discovery_is_valid_for_authlib(make_app: AppFactory) -> None:
    """Both documents: OpenID Connect Discovery 1.0, and RFC 8414's."""
    app = await make_app(issuer="https://id.example.org")  # Discovery 1.0 wants https
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        metadata = (await http.get("/.well-known/openid-configuration")).json()
        oauth_metadata = (await http.get("/.well-known/oauth-authorization-server")).json()
    OpenIDProviderMetadata(metadata).validate()
    AuthorizationServerMetadata(oauth_metadata).validate()
    assert oauth_metadata == {
        name: value for name, value in metadata.items() if name in oauth_metadata
    }
    assert metadata["issuer"] == "https://id.example.org"
    assert metadata["authorization_endpoint"] == "https://id.example.org/authorize"
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["backchannel_logout_supported"] is True
    assert metadata["backchannel_logout_session_supported"] is True
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256", "ES256", "Ed25519"]
    assert "openid" in metadata["scopes_supported"]
    assert metadata["authorization_response_iss_parameter_supported"] is True


async def test_a_second_app_signs_in_without_a_password(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    first, second = await register_app(clients), await register_app(clients, "Tareas")
    rp = relying_party(app, first, "openid")
    url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=secrets.token_urlsafe(48))
    assert "code" in answer(await browse(client, url))
    other = relying_party(app, second, "openid")
    url, _ = other.create_authorization_url(AUTHORIZE, code_verifier=secrets.token_urlsafe(48))
    first_stop = await client.get(local(url))
    assert first_stop.status_code == 200  # the consent page, not the sign-in page
    assert "Tareas wants to sign you in" in first_stop.text
    assert_page_headers(first_stop)
    assert "form-action 'self' https://app.example" in first_stop.headers["content-security-policy"]
    assert "code" in answer(await browse(client, url))
    # Consent is remembered: the next time goes straight back with a code.
    url, _ = other.create_authorization_url(AUTHORIZE, code_verifier=secrets.token_urlsafe(48))
    straight = await client.get(local(url))
    assert "code" in answer(straight)


async def test_first_party_apps_ask_no_consent(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    own = await register_app(clients, "Aurum Web", first_party=True)
    rp = relying_party(app, own, "openid")
    url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=secrets.token_urlsafe(48))
    assert "code" in answer(await browse(client, url, consent=None))


async def test_a_public_client_with_pkce(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    spa = await register_app(clients, "SPA", public=True)
    assert spa["client_secret"] is None
    rp = relying_party(app, spa, "openid profile")
    verifier = secrets.token_urlsafe(48)
    url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=verifier)
    back = await browse(client, url)
    async with rp:
        token = await rp.fetch_token(
            TOKEN_ENDPOINT, authorization_response=back.headers["location"], code_verifier=verifier
        )
    assert "refresh_token" not in token  # offline_access was not asked for
    await verified_id_token(client, token["id_token"], spa["client_id"])


async def code_for(
    app: FastAPI, clients: OAuthClients, client: httpx.AsyncClient, verifier: str
) -> tuple[dict[str, str], str]:
    notas = await register_app(clients)
    rp = relying_party(app, notas, "openid")
    url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=verifier)
    return notas, answer(await browse(client, url))["code"]


def exchange_form(notas: dict[str, str], code: str, verifier: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": notas["client_id"],
        "client_secret": notas["client_secret"],
    }


async def test_a_code_presented_twice_revokes_its_tokens(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    verifier = secrets.token_urlsafe(48)
    notas, code = await code_for(app, clients, client, verifier)
    form = exchange_form(notas, code, verifier)
    first = await client.post(TOKEN_ENDPOINT, data=form)
    assert first.status_code == 200
    access = first.json()["access_token"]
    assert (await client.get(USERINFO, headers=bearer(access))).status_code == 200
    again = await client.post(TOKEN_ENDPOINT, data=form)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert (await client.get(USERINFO, headers=bearer(access))).status_code == 401


@pytest.mark.parametrize("change", ["verifier", "redirect_uri", "client", "expired"])
async def test_a_code_is_bound(
    app: FastAPI,
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
    change: str,
) -> None:
    await accounts.user("juan")
    verifier = secrets.token_urlsafe(48)
    notas, code = await code_for(app, clients, client, verifier)
    form = exchange_form(notas, code, verifier)
    if change == "verifier":
        form["code_verifier"] = secrets.token_urlsafe(48)
    elif change == "redirect_uri":
        form["redirect_uri"] = "https://app.example/other"
    elif change == "client":
        other = await register_app(clients, "Otra")
        form["client_id"], form["client_secret"] = other["client_id"], other["client_secret"]
    if change == "expired":
        with time_machine.travel(utcnow() + timedelta(seconds=61)):
            refused = await client.post(TOKEN_ENDPOINT, data=form)
    else:
        refused = await client.post(TOKEN_ENDPOINT, data=form)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"


async def authorize_url(clients: OAuthClients, **params: str) -> str:
    notas = await register_app(clients)
    query = {
        "client_id": notas["client_id"],
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "openid",
        "state": "xyz",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        **params,
    }
    return "/authorize?" + "&".join(f"{k}={v}" for k, v in query.items() if v)


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"code_challenge": "", "code_challenge_method": ""}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "openid%20xp:write"}, "invalid_scope"),
        ({"prompt": "none%20login"}, "invalid_request"),
    ],
)
async def test_errors_go_back_to_the_app(
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
    params: dict[str, str],
    error: str,
) -> None:
    response = await client.get(await authorize_url(clients, **params))
    got = answer(response)
    assert got == {
        "error": error,
        "error_description": got["error_description"],
        "state": "xyz",
        "iss": ISSUER,
    }


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"client_id": "nobody"}, "unknown_client"),
        ({"redirect_uri": "https://evil.example/callback"}, "invalid_redirect_uri"),
        ({"redirect_uri": "https://app.example/callback/../evil"}, "invalid_redirect_uri"),
        ({"redirect_uri": ""}, "invalid_redirect_uri"),
    ],
)
async def test_an_untrusted_request_is_an_error_page_never_a_redirect(
    clients: OAuthClients, client: httpx.AsyncClient, params: dict[str, str], code: str
) -> None:
    response = await client.get(await authorize_url(clients, **params))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert code in response.text
    assert_page_headers(response)


async def test_prompt_none_without_a_session(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    got = answer(await client.get(await authorize_url(clients, prompt="none")))
    assert got["error"] == "login_required"


async def test_denying_consent(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    response = await browse(client, await authorize_url(clients), consent="deny")
    assert answer(response)["error"] == "access_denied"


async def test_the_consent_form_needs_its_csrf_token(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    page = await browse(client, await authorize_url(clients), consent=None)
    assert 'name="decision"' in page.text
    params = page.text.split('name="params" value="', 1)[1].split('"', 1)[0]
    forged = await client.post("/authorize/consent", data={"params": params, "decision": "allow"})
    assert forged.status_code == 403
    assert "location" not in forged.headers


async def test_signing_out_from_the_app(
    app: FastAPI, accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.user("juan")
    notas = await register_app(clients)
    rp = relying_party(app, notas, "openid")
    verifier = secrets.token_urlsafe(48)
    url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=verifier)
    back = await browse(client, url)
    async with rp:
        token = await rp.fetch_token(
            TOKEN_ENDPOINT, authorization_response=back.headers["location"], code_verifier=verifier
        )
    query = {
        "id_token_hint": token["id_token"],
        "post_logout_redirect_uri": AFTER_LOGOUT,
        "state": "s1",
    }
    page = await client.get("/end-session", params=query)
    assert page.status_code == 200
    assert "Sign out of Aurum on this browser?" in page.text
    out = await client.post("/end-session", data={**query, "csrf_token": csrf_of(page)})
    assert out.status_code == 303
    assert out.headers["location"] == f"{AFTER_LOGOUT}?state=s1"
    assert (await client.get("/account")).status_code == 303  # signed out at Aurum
    # An address the app did not register is refused.
    bad = await client.get(
        "/end-session", params={**query, "post_logout_redirect_uri": "https://evil.example/"}
    )
    assert bad.status_code == 400
    assert "location" not in bad.headers


async def test_only_a_registered_redirect_uri_widens_the_sign_in_forms_reach(
    clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    """The sign-in page's `next` link is anyone's to write: its form may lead to an app's
    origin (`form-action`) only when that app registered the redirect URI named."""
    notas = await register_app(clients)

    def sign_in_for(redirect_uri: str, client_id: str = notas["client_id"]) -> str:
        request = urlencode({"client_id": client_id, "redirect_uri": redirect_uri})
        return "/sign-in?" + urlencode({"next": f"/authorize?{request}"})

    def form_action(page: httpx.Response) -> str:
        assert page.status_code == 200, page.text
        policy = page.headers["content-security-policy"]
        return next(part for part in policy.split("; ") if part.startswith("form-action"))

    assert form_action(await client.get(sign_in_for(REDIRECT))) == (
        "form-action 'self' https://app.example"
    )
    for crafted in (
        sign_in_for("https://evil.example/callback"),
        sign_in_for("https://app.example.evil.example/callback"),
        sign_in_for(REDIRECT, client_id="no-such-app"),
    ):
        assert form_action(await client.get(crafted)) == "form-action 'self'"
    failed = await client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_of(await client.get("/sign-in")),
            "login": "nobody",
            "password": "not-a-password",
            "next": "/authorize?"
            + urlencode({"client_id": notas["client_id"], "redirect_uri": "https://evil.example/"}),
        },
    )
    assert failed.status_code == 401
    assert "evil.example" not in failed.headers["content-security-policy"]
