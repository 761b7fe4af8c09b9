"""Rendering a page: the template, its language, its CSRF token and its security headers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from aurum.app_state import app_state
from aurum.errors import AppError, ValidationFailed
from aurum.web.csrf import FIELD, Csrf, get_csrf
from aurum.web.i18n import LANGUAGES, page_language
from aurum.web.messages import translator

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
ASSETS = Path(__file__).parent / "static"

# Nothing but this site's own stylesheet; no script, no frame, forms post only here.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def secured(response: Response) -> Response:
    response.headers.update(HEADERS)
    return response


def form_action(request: Request, language: str, route: str) -> str:
    """Where a form posts: `route`, asking for the language the form is shown in, so that
    the page answering it (a confirmation, an error) speaks that language too."""
    return f"{request.url_for(route).path}?ui_locales={language}"


async def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    csrf: Csrf | None = None,
) -> HTMLResponse:
    """A page in the request's language; every form on it gets the CSRF token."""
    csrf = csrf or await get_csrf(request, app_state(request))
    language = page_language(request)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "lang": language,
            "t": translator(language),
            "csrf_field": FIELD,
            "csrf_token": csrf.token,
            "form_action": partial(form_action, request, language),
            "language_links": {
                other: str(
                    request.url.include_query_params(ui_locales=other).replace(scheme="", netloc="")
                )
                for other in LANGUAGES
            },
            **(context or {}),
        },
        status_code=status_code,
    )
    csrf.set_cookie(response)
    secured(response)
    return response


def redirect(url: str) -> RedirectResponse:
    """See other (303): after a form, the browser GETs the next page."""
    response = RedirectResponse(url, status_code=303)
    secured(response)
    return response


def local_path(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default`: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 0x20 for c in target):
        return default
    return target


async def render_error(request: Request, error: AppError) -> HTMLResponse:
    language = page_language(request)
    response = await render(
        request,
        "error.html",
        {"code": error.code, "message": error.message_es if language == "es" else error.message},
        status_code=error.status_code,
    )
    retry_after = (error.response_headers() or {}).get("Retry-After")
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


class PageRoute(APIRoute):
    """A route whose errors are pages, not JSON: the person sees what went wrong.

    The request's session has already committed or rolled back by the time the error
    reaches here, exactly as for the API."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except AppError as error:
                return await render_error(request, error)
            except RequestValidationError:
                return await render_error(request, ValidationFailed())

        return page_handler
