"""A request id for every request, and one access log line when it is answered."""

from __future__ import annotations

import logging
import time

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aurum.logs.context import RequestContext, begin_request, request_id_from

REQUEST_ID_HEADER = "X-Request-ID"

access_logger = structlog.stdlib.get_logger("aurum.access")


def route_template(scope: Scope) -> str | None:
    """The matched route's template with its router's prefix (`/api/v1/users/{user_id}`).

    FastAPI includes routers without copying their routes: `scope["route"]` is the
    original, whose path lacks the prefix. The full template is on the route context
    FastAPI resolved (what its own telemetry reports); tests/logs pin this.
    """
    resolved = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(resolved, "path_format", None)
    if template is None:
        template = getattr(scope.get("route"), "path", None)
    return template if isinstance(template, str) else None


class RequestLogging:
    """Keeps a valid incoming X-Request-ID (or makes one), returns it, logs the request.

    The line names the route's template, never the path or the query: those can carry
    tokens (`/verify-email?token=...`).
    """

    def __init__(self, app: ASGIApp, *, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_from(Headers(scope=scope).get(REQUEST_ID_HEADER))
        context = begin_request(request_id)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status = 500  # unless the app answers

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                if REQUEST_ID_HEADER not in headers:
                    headers.append(REQUEST_ID_HEADER, request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.access_log:
                self._log(scope, status, started, context)

    @staticmethod
    def _log(scope: Scope, status: int, started: float, context: RequestContext) -> None:
        access_logger.log(
            logging.INFO if status < 500 else logging.ERROR,
            "request",
            method=scope["method"],
            route=route_template(scope),
            status=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
            user_id=context.user_id,
            client_id=context.client_id,
        )
