"""A web app that signs people in with Aurum, built on Authlib's Starlette client: it knows
nothing but Aurum's discovery URL, its client id and secret, and its redirect URI."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from authlib.integrations.starlette_client import OAuth
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

    async def login(request: Request) -> Response:
        response: Response = await aurum.authorize_redirect(request, f"{base_url}/callback")
        return response

    async def callback(request: Request) -> Response:
        # Authlib checks state, exchanges the code with PKCE, and validates the ID token
        # (signature from the JWKS, iss, aud, exp, nonce).
        token = await aurum.authorize_access_token(request)
        request.session["id_token"] = token["id_token"]
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

    async def bye(request: Request) -> Response:
        return HTMLResponse(f"<p id=bye>{request.query_params.get('state', '')}</p>")

    routes = [
        Route("/login", login),
        Route("/callback", callback),
        Route("/logout", logout),
        Route("/bye", bye),
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
