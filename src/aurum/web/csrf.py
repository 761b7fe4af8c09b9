"""CSRF protection for every form: a signed double-submit token.

The browser holds a random value in a cookie no script can read; each form carries an
HMAC of it under a key derived from SECRET_KEY. Another site can make a browser post a
form, but it can neither read that cookie nor compute the HMAC, so its forms are refused.
SameSite cookies and a strict CSP (`form-action 'self'`) are a second and third wall.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request, Response

from aurum.app_state import AppStateDep
from aurum.errors import AppError
from aurum.security.derived_keys import derive_key

FIELD = "csrf_token"


class CsrfFailed(AppError):
    status_code = 403
    code = "csrf_failed"
    message = "This form has expired or did not come from this site. Open the page and try again."
    message_es = (
        "Este formulario expiró o no viene de este sitio. Abre la página e inténtalo de nuevo."
    )


class Csrf:
    """The request's CSRF cookie (made when missing) and the token its forms carry."""

    def __init__(self, request: Request, secret: str, *, secure: bool) -> None:
        self.cookie_name = "__Host-aurum_csrf" if secure else "aurum_csrf"
        self.secure = secure
        self._key = derive_key(secret, "aurum csrf")
        self.received = request.cookies.get(self.cookie_name)
        self.value: str = (
            self.received
            if self.received is not None and _well_formed(self.received)
            else secrets.token_urlsafe(32)
        )

    @property
    def token(self) -> str:
        digest = hmac.new(self._key, self.value.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def check(self, submitted: str | None) -> None:
        if self.received != self.value or not submitted:
            raise CsrfFailed
        if not hmac.compare_digest(submitted.encode(), self.token.encode()):
            raise CsrfFailed

    def set_cookie(self, response: Response) -> None:
        if self.received == self.value:
            return
        response.set_cookie(
            self.cookie_name,
            self.value,
            httponly=True,
            secure=self.secure,
            samesite="strict",
            path="/",
        )


def _well_formed(value: str) -> bool:
    return 32 <= len(value) <= 64 and value.isascii()


async def get_csrf(request: Request, state: AppStateDep) -> Csrf:
    settings = state.settings
    return Csrf(request, settings.secret_key.get_secret_value(), secure=settings.secure_cookies)


CsrfDep = Annotated[Csrf, Depends(get_csrf)]


async def check_csrf(request: Request, csrf: CsrfDep) -> Csrf:
    """For every POST of a page: the form's token must match the browser's cookie."""
    form = await request.form()
    submitted = form.get(FIELD)
    csrf.check(submitted if isinstance(submitted, str) else None)
    return csrf


CheckedCsrf = Annotated[Csrf, Depends(check_csrf)]
