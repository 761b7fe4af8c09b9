"""`/metrics` on the service's own port, for the holder of METRICS_TOKEN only."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Request, Response

from aurum.config import Settings
from aurum.errors import InvalidToken, NotAuthenticated
from aurum.metrics.exposition import render

router = APIRouter(include_in_schema=False)


def require_scrape_token(request: Request) -> None:
    """The bearer token must be METRICS_TOKEN (compared in constant time)."""
    settings: Settings = request.app.state.settings
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated
    expected = settings.metrics_token
    if expected is None or not hmac.compare_digest(
        token.strip().encode(), expected.get_secret_value().encode()
    ):
        raise InvalidToken


@router.get("/metrics", dependencies=[Depends(require_scrape_token)])
def metrics(request: Request) -> Response:
    """Prometheus metrics of every worker (a sync route: it reads files)."""
    body, content_type = render(request.headers.get("accept", ""))
    return Response(body, media_type=content_type)
