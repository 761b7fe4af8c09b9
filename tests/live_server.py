"""The app served by uvicorn on 127.0.0.1 and an ephemeral port, in the test's loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from aurum.main import create_app
from tests.conftest import make_settings

# Seconds a test's client waits for the live server: on a loaded machine one request has
# taken 7.5 s (registering an app, PostgreSQL, during CI's parallel part), past httpx's 5.
CLIENT_TIMEOUT = 30


def free_port() -> int:
    """A port nothing listens on: bound, read back, released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@asynccontextmanager
async def live_server(database_url: str, **settings: Any) -> AsyncIterator[tuple[str, FastAPI]]:
    """The app served by uvicorn on 127.0.0.1 at an ephemeral port, for real HTTP clients.

    The socket listens before the server starts, so early connections wait in the backlog
    instead of failing; the issuer is the server's real URL.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(make_settings(database_url, issuer=base_url, **settings))
    config = uvicorn.Config(app, log_config=None, log_level="warning", ws="none", http="h11")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=CLIENT_TIMEOUT) as http:
            assert (await http.get("/health")).status_code == 200
        yield base_url, app
    finally:
        server.should_exit = True
        await task
        sock.close()
