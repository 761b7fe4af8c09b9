"""Rendering a page: the template, its language, its CSRF token and its security headers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from aurum.app_state import app_state
from aurum.errors import AppError, ValidationFailed
from aurum.logs.context import current_request_id
from aurum.web.csrf import FIELD, Csrf, get_csrf
from aurum.web.forms import InvalidField, PageForm, form_of
from aurum.web.i18n import LANGUAGES, page_language
from aurum.web.messages import translator

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
ASSETS = Path(__file__).parent / "static"

# Nothing but this site's own stylesheet; no script, no frame, forms post only here.
POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'{also}; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": POLICY.format(also=""),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def secured(response: Response, *, then_to: str | None = None) -> Response:
    """The page's headers. `then_to`: the origin a form of the page ends up at after
    redirects (an app's redirect URI at the end of a sign-in), which browsers check
    against `form-action` too."""
    response.headers.update(HEADERS)
    if then_to is not None:
        response.headers["Content-Security-Policy"] = POLICY.format(also=f" {then_to}")
    return response


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of an http(s) URL, fit for a CSP source; else None."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed address (`http://[::1`) is no origin
        return None
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.username:
        return None
    if any(c in parts.netloc for c in " ;,'\"\t\r\n"):
        return None
    return f"{parts.scheme}://{parts.netloc}"


async def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    csrf: Csrf | None = None,
    then_to: str | None = None,
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
            "link": lambda path: in_chosen_language(request, path),
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
    secured(response, then_to=then_to)
    return response


def in_chosen_language(request: Request, path: str) -> str:
    """`path`, keeping the language chosen with `ui_locales`: links and forms stay in it."""
    chosen = request.query_params.get("ui_locales")
    if not chosen:
        return path
    return f"{path}{'&' if '?' in path else '?'}{urlencode({'ui_locales': chosen})}"


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


def error_message(request: Request, error: AppError) -> str:
    """The error's text in the page's language."""
    language = page_language(request)
    if isinstance(error, InvalidField):
        return translator(language)(error.key)
    return error.message_es if language == "es" else error.message


async def render_error(request: Request, error: AppError) -> HTMLResponse:
    form = form_of(request)
    if form is not None and error.status_code < 500:
        response = await render_form(request, form, error)
    else:
        response = await render(
            request,
            "error.html",
            {
                "code": error.code,
                "message": error_message(request, error),
                "request_id": current_request_id(),
            },
            status_code=error.status_code,
        )
    retry_after = (error.response_headers() or {}).get("Retry-After")
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


async def render_form(request: Request, form: PageForm, error: AppError) -> HTMLResponse:
    """The form again, with what was typed (never a password) and the error's message."""
    context = {
        **form.values,
        "error": {"code": error.code, "message": error_message(request, error)},
        "error_field": form.field_of(error),
    }
    return await render(request, form.template, context, status_code=error.status_code)


# Where FastAPI keeps the exit stack of the request's function-scoped dependencies (the
# session among them), which it closes once the handler has returned.
FUNCTION_STACK = "fastapi_function_astack"


class PageRoute(APIRoute):
    """A route whose errors are pages, not JSON: the person sees what went wrong, in the
    form that was sent (see `forms.show_errors_in`) or on the error page.

    The request's session commits or rolls back before the error is rendered, exactly as
    for the API: the route's function-scoped dependencies are closed here, with the
    error, rather than after the handler has turned the error into a page (which would
    look like success to them, and commit)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            outer = request.scope.get(FUNCTION_STACK)
            try:
                async with AsyncExitStack() as dependencies:
                    request.scope[FUNCTION_STACK] = dependencies
                    return await handler(request)
            except AppError as error:
                return await render_error(request, error)
            except RequestValidationError:
                return await render_error(request, ValidationFailed())
            finally:
                request.scope[FUNCTION_STACK] = outer

        return page_handler
