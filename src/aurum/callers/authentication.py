"""Bearer authentication: the authenticators, tried in order until one knows the token.

Each kind of token has an authenticator: it answers the caller the token stands for, None
for a token that is not of its kind (the next one is asked), or raises `InvalidToken` for
one of its kind that is not valid. The application builds the list in its lifespan
(`install_authenticators`); a new way of being signed in is one more entry, and nothing
here imports a feature.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.security import OAuth2PasswordBearer
from fastapi.security.base import SecurityBase
from fastapi.security.utils import get_authorization_scheme_param

from aurum.callers.principals import BrowserPrincipal, Caller, Principal, ServicePrincipal
from aurum.errors import Forbidden, InvalidToken, NotAuthenticated
from aurum.logs.context import identify_caller
from aurum.security.access_tokens import AccessClaims, AccessTokenCodec, TokenRejected

MAX_COOKIE_LENGTH = 128
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/token", auto_error=False)


class Authenticator(Protocol):
    async def authenticate(self, token: str) -> Caller | None:
        """The caller behind `token`; None when the token is not of this kind."""
        ...


class CookieAuthenticator(Protocol):
    cookie_name: str

    async def authenticate(self, cookie: str) -> BrowserPrincipal | None:
        """The person behind a browser session's cookie; None when it is not live."""
        ...


def install_authenticators(
    app: FastAPI, authenticators: Sequence[Authenticator], browser: CookieAuthenticator
) -> None:
    """`authenticators` answer bearer tokens (the API); `browser` answers the cookie of
    Aurum's own pages, and only there: a cookie never authenticates an API call, whose
    requests carry no CSRF token."""
    app.state.authenticators = tuple(authenticators)
    app.state.browser_authenticator = browser


async def authenticate(request: Request, token: str) -> Caller:
    chain: tuple[Authenticator, ...] = request.app.state.authenticators
    for authenticator in chain:
        caller = await authenticator.authenticate(token)
        if caller is not None:
            if isinstance(caller, ServicePrincipal):
                identify_caller(client_id=caller.client_id)
            else:
                identify_caller(user_id=str(caller.user.id))
            return caller
    raise InvalidToken


async def our_claims(tokens: AccessTokenCodec, token: str) -> AccessClaims | None:
    """The claims of an access token Aurum issued; None for another issuer's token."""
    try:
        return await tokens.decode_ours(token)
    except TokenRejected as exc:
        raise InvalidToken from exc


class UserTokenRequired(Forbidden):
    code = "user_token_required"
    message = "This needs a user's access token; a service token cannot be used here."
    message_es = "Esto requiere el token de acceso de un usuario; no sirve un token de servicio."


class BearerAuthentication(SecurityBase):
    """Whoever presents `Authorization: Bearer <token>`, verified.

    OpenAPI shows it as `oauth2_scheme` (the password flow at `/api/v1/token`). Unlike
    that scheme, it verifies the token itself: an authenticated request solves one
    dependency for it where a token dependency under a caller dependency took two
    (FastAPI spends ~10 µs of CPU on each).
    """

    def __init__(self) -> None:
        self.model = oauth2_scheme.model
        self.scheme_name = oauth2_scheme.scheme_name

    async def __call__(self, request: Request) -> Caller:
        scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
        if scheme.lower() != "bearer" or not token:
            raise NotAuthenticated
        return await authenticate(request, token)


class UserAuthentication(BearerAuthentication):
    """A user's access token (a service client's is refused)."""

    async def __call__(self, request: Request) -> Principal:
        caller = await super().__call__(request)
        if isinstance(caller, ServicePrincipal):
            raise UserTokenRequired
        return caller


async def browser_principal(request: Request) -> BrowserPrincipal | None:
    """The person signed in at this browser, if any (for pages only)."""
    authenticator: CookieAuthenticator = request.app.state.browser_authenticator
    cookie = request.cookies.get(authenticator.cookie_name)
    if not cookie or len(cookie) > MAX_COOKIE_LENGTH:
        return None
    principal = await authenticator.authenticate(cookie)
    if principal is not None:
        identify_caller(user_id=str(principal.user.id))
    return principal
