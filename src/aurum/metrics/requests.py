"""Each HTTP request's duration, by route template, method and status.

Labels are bounded: the route is the template that matched (`/api/v1/users/{username}`),
never the path a client sent, and `unmatched` for every path no route knows (404s); a
method outside the standard ones counts as `other`.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aurum.metrics.instruments import instruments

UNMATCHED = "unmatched"  # no template starts without a slash, so none is named this
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_template(scope: Scope) -> str:
    """The template of the route that handled the request, or UNMATCHED."""
    route: Any = scope.get("route")
    template = getattr(route, "path_format", None)
    if not isinstance(template, str):
        # A mounted app (the stylesheets) adds its path to the root path instead.
        mounted = scope.get("root_path", "")[len(scope.get("app_root_path", "")) :]
        return f"{mounted}/{{path}}" if mounted else UNMATCHED
    # A router included with a prefix (`/api/v1`) gives its routes' templates without it.
    # The request's path supplies it: what precedes the segments the template matched
    # (each parameter matches one segment), so a static prefix, never a client's value.
    path: str = scope["path"]
    cut = len(path)
    for _ in range(template.count("/")):
        cut = path.rfind("/", 0, cut)
    return path[:cut] + template if cut > 0 else template


class RequestMetrics:
    """ASGI middleware: observes every HTTP request once its handling ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._histogram = instruments().http_requests
        # The histogram's series, kept to skip the client's locked label lookup per request.
        self._series: dict[tuple[str, str, int], Callable[[float], None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # unless a response starts: an error no handler answered

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = perf_counter()
        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            self._observe(scope, status, perf_counter() - started)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in METHODS else "other"
        key = (route_template(scope), method, status)
        observe = self._series.get(key)
        if observe is None:
            observe = self._histogram.labels(key[0], method, str(status)).observe
            self._series[key] = observe
        observe(seconds)
