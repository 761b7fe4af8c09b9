"""Signing in and out at Aurum's own pages, and the page of the signed-in person.

The password step and the second step are the API's (`AuthService.first_step`,
`MfaSignInService.second_step`), with its rate limits, failure counting and timing; only
what follows differs: a browser session and its cookie instead of tokens.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Form, Query, Request, Response

from aurum.app_state import AppState, AppStateDep
from aurum.auth.browser import cookie_name
from aurum.auth.dependencies import AuthServiceDep, BrowserSignInDep
from aurum.auth.errors import SignInFailed
from aurum.auth.router import LOGIN_LIMITS
from aurum.auth.schemas import MfaRequired
from aurum.callers.dependencies import BrowserUser
from aurum.client_info import ClientInfoDep
from aurum.config import Settings
from aurum.mfa.dependencies import MfaSignInServiceDep
from aurum.mfa.errors import MfaSignInCodeRejected
from aurum.mfa.router import SIGN_IN_LIMITS
from aurum.web.csrf import CheckedCsrf, CsrfDep
from aurum.web.i18n import page_language
from aurum.web.pages import PageRoute, local_path, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ACCOUNT = "/account"
Next = Annotated[str, Query(max_length=2048)]
NextField = Annotated[str, Form(max_length=2048)]
Login = Annotated[str, Form(min_length=1, max_length=254)]
Secret = Annotated[str, Form(min_length=1, max_length=1024)]


def signed_in(target: str, cookie: str, settings: Settings) -> Response:
    """Where the person was going, with the new session's cookie (HttpOnly, SameSite=Lax:
    sent when another site links here, never with its forms or scripts)."""
    response = redirect(target)
    response.set_cookie(
        cookie_name(settings),
        cookie,
        max_age=settings.browser_session_hours * 3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )
    return response


async def app_origin(state: AppState, target: str) -> str | None:
    """Where a sign-in for an app ends: the origin of the redirect URI it names, if the app
    it names registered it (allowed as the end of the form's journey, nothing more)."""
    parts = urlsplit(target)
    if parts.path != "/authorize" or state.app_origins is None:
        return None
    query = parse_qs(parts.query)
    client_id = query.get("client_id", [""])[0]
    redirect_uri = query.get("redirect_uri", [""])[0]
    if not client_id or not redirect_uri:
        return None
    return await state.app_origins(client_id, redirect_uri)


@router.get("/sign-in")
async def sign_in_page(
    request: Request,
    csrf: CsrfDep,
    state: AppStateDep,
    person: BrowserUser,
    next: Next = "",
    fresh: Annotated[bool, Query()] = False,
    login_hint: Annotated[str, Query(max_length=254)] = "",
) -> Response:
    """The sign-in form; someone already signed in goes on to where they were going,
    unless a fresh sign-in is asked for (an app's `prompt=login` or `max_age`). An app's
    `login_hint` fills in the username."""
    target = local_path(next, ACCOUNT)
    if person is not None and not fresh:
        return redirect(target)
    context = {"next": target, "login": login_hint}
    then_to = await app_origin(state, target)
    return await render(request, "sign_in.html", context, csrf=csrf, then_to=then_to)


@router.post("/sign-in", dependencies=[LOGIN_LIMITS])
async def sign_in(
    request: Request,
    csrf: CheckedCsrf,
    login: Login,
    password: Secret,
    client: ClientInfoDep,
    auth: AuthServiceDep,
    browser: BrowserSignInDep,
    state: AppStateDep,
    person: BrowserUser,
    next: NextField = "",
) -> Response:
    """Check the password; then the second step, or the session."""
    target = local_path(next, ACCOUNT)
    try:
        step = await auth.first_step(login, password, client)
    except SignInFailed as error:  # its audit record is kept: the transaction commits
        return await render(
            request,
            "sign_in.html",
            {"next": target, "login": login, "error": _message(request, error)},
            status_code=error.status_code,
            csrf=csrf,
            then_to=await app_origin(state, target),
        )
    if isinstance(step, MfaRequired):
        context = {"next": target, "mfa_token": step.mfa_token}
        then_to = await app_origin(state, target)
        return await render(request, "second_step.html", context, csrf=csrf, then_to=then_to)
    cookie = await browser.open(step, client, replacing=person)
    return signed_in(target, cookie, state.settings)


@router.post("/sign-in/second-step", dependencies=[SIGN_IN_LIMITS])
async def second_step(
    request: Request,
    csrf: CheckedCsrf,
    mfa_token: Secret,
    code: Annotated[str, Form(min_length=1, max_length=64)],
    client: ClientInfoDep,
    mfa: MfaSignInServiceDep,
    browser: BrowserSignInDep,
    state: AppStateDep,
    person: BrowserUser,
    next: NextField = "",
) -> Response:
    """A code of the authenticator app, or a recovery code."""
    target = local_path(next, ACCOUNT)
    try:
        user, method = await mfa.second_step(mfa_token, code)
    except MfaSignInCodeRejected as error:  # the failure is counted and kept
        context = {"next": target, "mfa_token": mfa_token, "error": _message(request, error)}
        return await render(
            request,
            "second_step.html",
            context,
            status_code=error.status_code,
            csrf=csrf,
            then_to=await app_origin(state, target),
        )
    cookie = await browser.open(user, client, second_factor=method, replacing=person)
    return signed_in(target, cookie, state.settings)


@router.get("/account")
async def account_page(request: Request, csrf: CsrfDep, person: BrowserUser) -> Response:
    """Who is signed in at this browser, and the way out."""
    if person is None:
        return redirect(f"/sign-in?next={ACCOUNT}")
    return await render(request, "account.html", {"person": person}, csrf=csrf)


@router.get("/sign-out")
async def sign_out_page(request: Request, csrf: CsrfDep, person: BrowserUser) -> Response:
    """A button, not a link: another site cannot sign the person out with an image."""
    return await render(request, "sign_out.html", {"person": person}, csrf=csrf)


@router.post("/sign-out")
async def sign_out(
    request: Request,
    csrf: CheckedCsrf,
    person: BrowserUser,
    browser: BrowserSignInDep,
    state: AppStateDep,
) -> Response:
    """End this browser's session and forget its cookie."""
    if person is not None:
        await browser.close(person)
    response = await render(request, "sign_out.html", {"signed_out": True}, csrf=csrf)
    forget_session_cookie(response, state.settings)
    return response


def forget_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        cookie_name(settings),
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )


def _message(request: Request, error: SignInFailed | MfaSignInCodeRejected) -> str:
    return error.message_es if page_language(request) == "es" else error.message
