"""An app's back-channel logout endpoint, served over real HTTP by uvicorn: it records the
logout tokens posted to it and answers with the statuses a test plans."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tests.live_server import free_port

EVENT = "http://schemas.openid.net/event/backchannel-logout"


class Receiver:
    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}/backchannel-logout"
        self.tokens: list[str] = []  # every token received, whatever the answer
        self.planned: list[int] = []  # statuses to answer with, in order; then 200
        self.content_types: list[str] = []
        self.redirected = 0

    def app(self) -> Starlette:
        async def logout(request: Request) -> Response:
            self.content_types.append(request.headers.get("content-type", ""))
            form = await request.form()
            self.tokens.append(str(form["logout_token"]))
            return Response(status_code=self.planned.pop(0) if self.planned else 200)

        async def moved(_: Request) -> Response:
            return RedirectResponse("/elsewhere", status_code=307)

        async def elsewhere(_: Request) -> Response:
            self.redirected += 1
            return Response(status_code=200)

        return Starlette(
            routes=[
                Route("/backchannel-logout", logout, methods=["POST"]),
                Route("/moved", moved, methods=["POST"]),
                Route("/elsewhere", elsewhere, methods=["POST"]),
            ]
        )


@asynccontextmanager
async def serving(receiver: Receiver) -> AsyncIterator[Receiver]:
    """Listening before the server starts: early connections wait in the backlog."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", receiver.port))
    sock.listen(64)
    config = uvicorn.Config(
        receiver.app(), log_config=None, log_level="warning", ws="none", http="h11", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
        sock.close()


@asynccontextmanager
async def receiver_up(port: int | None = None) -> AsyncIterator[Receiver]:
    async with serving(Receiver(port or free_port())) as receiver:
        yield receiver


async def verified_logout_token(
    aurum: httpx.AsyncClient, token: str, client_id: str, issuer: str = "http://testserver"
) -> dict[str, Any]:
    """Validated as Back-Channel Logout 1.0 §2.6 tells an app to, keys from the JWKS."""
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "logout+jwt"
    jwks = (await aurum.get("/.well-known/jwks.json")).json()
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    claims: dict[str, Any] = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        audience=client_id,
        issuer=issuer,
        options={"require": ["iss", "aud", "iat", "exp", "jti", "events", "sub", "sid"]},
    )
    assert claims["events"] == {EVENT: {}}
    assert "nonce" not in claims
    assert claims["exp"] - claims["iat"] <= 120
    return claims
