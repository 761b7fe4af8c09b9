"""Cross-origin calls of browser apps (a single-page app signing people in with Aurum).

A single-page app on its own origin fetches the discovery documents and the JWKS, and
posts to the token, UserInfo and revocation endpoints. Those answer any origin, without
credentials: each call is authorized by what it carries (a code and its PKCE verifier, a
bearer token, a client secret), never by a cookie, so another site gains nothing it did
not already hold. Every other path is left to the operator's `CORS_ORIGINS`; the pages
for people (which a cookie authenticates) never answer another origin.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

OPEN_PATHS = frozenset(
    {
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
        "/.well-known/jwks.json",
        "/api/v1/oauth/token",
        "/api/v1/oauth/userinfo",
        "/api/v1/oauth/revoke",
    }
)
ALLOWED_HEADERS = "Authorization, Content-Type, Accept, Accept-Language"
# An app reads why a call failed (`WWW-Authenticate`) and when to try again.
EXPOSED_HEADERS = "WWW-Authenticate, Retry-After"
PREFLIGHT_CACHE_SECONDS = "600"


class OpenEndpointsCors:
    """`Access-Control-Allow-Origin: *` on the endpoints above, and their preflights;
    never `Access-Control-Allow-Credentials`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                response_headers["Access-Control-Allow-Origin"] = "*"
                response_headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    async def _preflight(scope: Scope, receive: Receive, send: Send) -> None:
        response = Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Allow-Methods": "GET, POST",
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": PREFLIGHT_CACHE_SECONDS,
            },
        )
        await response(scope, receive, send)
