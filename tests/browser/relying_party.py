"""A web app that signs people in with Aurum, built on Authlib's Starlette client: it knows
nothing but Aurum's discovery URL, its client id and secret, and its redirect URI. Its
back-channel logout endpoint validates logout tokens with joserfc (Authlib's JOSE) and the
JWKS, and ends its own sessions of the `sid` they name."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from authlib.integrations.starlette_client import OAuth
from joserfc import jwt
from joserfc.jwk import KeySet
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route


def relying_party(issuer: str, client_id: str, client_secret: str, base_url: str) -> Starlette:
    oauth = OAuth()
    oauth.register(
        "aurum",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
    )
    aurum: Any = oauth.create_client("aurum")
    ended: set[str] = set()  # Aurum's sessions it was told of (back-channel logout)

    async def login(request: Request) -> Response:
        response: Response = await aurum.authorize_redirect(request, f"{base_url}/callback")
        return response

    async def callback(request: Request) -> Response:
        # Authlib checks state, exchanges the code with PKCE, and validates the ID token
        # (signature from the JWKS, iss, aud, exp, nonce).
        token = await aurum.authorize_access_token(request)
        request.session["id_token"] = token["id_token"]
        request.session["sid"] = token["userinfo"]["sid"]
        who = await aurum.userinfo(token=token)  # UserInfo, with the access token
        assert who["sub"] == token["userinfo"]["sub"]  # the ID token's subject
        return HTMLResponse(f"<p id=who>{who['preferred_username']}</p><p id=sub>{who['sub']}</p>")

    async def logout(request: Request) -> Response:
        metadata = await aurum.load_server_metadata()
        hint = request.session.pop("id_token", "")
        target = (
            f"{metadata['end_session_endpoint']}?id_token_hint={hint}"
            f"&post_logout_redirect_uri={base_url}/bye&state=bye-state"
        )
        return RedirectResponse(target)

    async def me(request: Request) -> Response:
        sid = request.session.get("sid")
        if sid is None or sid in ended:
            request.session.clear()
            return HTMLResponse("<p id=out>signed out</p>")
        return HTMLResponse(f"<p id=in>{sid}</p>")

    async def backchannel_logout(request: Request) -> Response:
        """Back-Channel Logout 1.0 §2.6: the token's signature, issuer, audience, type,
        event and no nonce, then the session it names ends here too."""
        form = await request.form()
        keys = KeySet.import_key_set(await aurum.fetch_jwk_set())
        metadata = await aurum.load_server_metadata()
        algorithms = metadata["id_token_signing_alg_values_supported"]
        token = jwt.decode(str(form["logout_token"]), keys, algorithms=algorithms)
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": client_id},
            iat={"essential": True},
            exp={"essential": True},
            jti={"essential": True},
            sid={"essential": True},
        ).validate(token.claims)
        assert token.header["typ"] == "logout+jwt"
        assert "http://schemas.openid.net/event/backchannel-logout" in token.claims["events"]
        assert "nonce" not in token.claims
        ended.add(token.claims["sid"])
        return Response(status_code=200)

    async def bye(request: Request) -> Response:
        return HTMLResponse(f"<p id=bye>{request.query_params.get('state', '')}</p>")

    routes = [
        Route("/login", login),
        Route("/callback", callback),
        Route("/logout", logout),
        Route("/bye", bye),
        Route("/me", me),
        Route("/backchannel-logout", backchannel_logout, methods=["POST"]),
    ]
    # Cookies do not tell ports apart: each app on 127.0.0.1 needs its own cookie name.
    cookie = f"session-{base_url.rsplit(':', 1)[-1]}"
    session = Middleware(SessionMiddleware, secret_key="relying-party", session_cookie=cookie)
    return Starlette(routes=routes, middleware=[session])


@asynccontextmanager
async def served(app_for: Any) -> AsyncIterator[str]:
    """`app_for(base_url)` served by uvicorn on 127.0.0.1 at an ephemeral port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(
        app_for(base_url), log_config=None, log_level="warning", ws="none", http="h11"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield base_url
    finally:
        server.should_exit = True
        await task
        sock.close()
