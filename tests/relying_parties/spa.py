"""The single-page app of `spa/`, served as static files beside oidc-client-ts's browser
bundle (from the committed lock file's node_modules: no CDN)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

PACKAGES = Path(__file__).parent
PAGES = PACKAGES / "spa"
LIBRARY = (
    PACKAGES / "node_modules" / "oidc-client-ts" / "dist" / "browser" / "oidc-client-ts.min.js"
)


def single_page_app(issuer: str, client_id: Callable[[], str]) -> Starlette:
    """`client_id()` is read when the page loads: the app is registered once it listens
    (its redirect URI names its port)."""

    async def page(request: Request) -> Response:
        return FileResponse(PAGES / "index.html")

    async def script(request: Request) -> Response:
        return FileResponse(PAGES / "app.js", media_type="text/javascript")

    async def library(request: Request) -> Response:
        return FileResponse(LIBRARY, media_type="text/javascript")

    async def config(request: Request) -> Response:
        settings = {"authority": issuer, "client_id": client_id()}
        return Response(f"window.AURUM = {json.dumps(settings)};", media_type="text/javascript")

    return Starlette(
        routes=[
            Route("/", page),
            Route("/callback", page),
            Route("/bye", page),
            Route("/app.js", script),
            Route("/oidc-client-ts.min.js", library),
            Route("/config.js", config),
        ]
    )
