"""`/authorize`: where an app sends a person's browser to sign them in with Aurum."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError

from aurum.app_state import AppStateDep
from aurum.callers.dependencies import BrowserUser
from aurum.callers.principals import BrowserPrincipal
from aurum.db.session import SessionDep
from aurum.oauth.authorization import (
    Authorization,
    AuthorizationError,
    AuthorizationParams,
    AuthorizationService,
)
from aurum.oauth.authorization_repository import AuthorizationRepository
from aurum.oauth.errors import InvalidRequest
from aurum.oauth.form import parse_form
from aurum.oauth.repository import ClientRepository
from aurum.web.csrf import CheckedCsrf, Csrf, CsrfDep
from aurum.web.i18n import page_language
from aurum.web.pages import PageRoute, origin_of, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


async def get_authorization_service(db: SessionDep) -> AuthorizationService:
    return AuthorizationService(ClientRepository(db), AuthorizationRepository(db))


AuthorizationServiceDep = Annotated[AuthorizationService, Depends(get_authorization_service)]


async def authorization_params(request: Request) -> AuthorizationParams:
    """The query (GET) or the form (POST); a parameter given twice is malformed."""
    if request.method == "POST":
        params = parse_form(await request.body())
    else:
        pairs = request.query_params.multi_items()
        params = dict(pairs)
        if len(params) != len(pairs):
            raise InvalidRequest
    return _checked(params)


def _checked(params: dict[str, str]) -> AuthorizationParams:
    try:
        return AuthorizationParams.model_validate(params)
    except ValidationError as exc:
        raise InvalidRequest from exc


Params = Annotated[AuthorizationParams, Depends(authorization_params)]


def back_to_app(authorization: Authorization, issuer: str, **values: str) -> Response:
    return redirect(authorization.answer(issuer, **values))


async def proceed(
    request: Request,
    authorization: Authorization,
    person: BrowserPrincipal | None,
    service: AuthorizationService,
    csrf: Csrf,
    issuer: str,
) -> Response:
    """Sign in if needed, consent if needed, then the code goes back to the app."""
    if service.must_sign_in(authorization, person):
        if "none" in authorization.prompt:
            return back_to_app(authorization, issuer, error="login_required")
        # Back here afterwards, without asking for a fresh sign-in again.
        again = authorization.params.query(prompt=_without(authorization.prompt, "login"))
        query = {
            "next": f"/authorize?{again}",
            "fresh": "true" if person is not None else None,
            "login_hint": authorization.params.login_hint,
            "ui_locales": authorization.params.ui_locales,
        }
        present = {name: value for name, value in query.items() if value}
        return redirect(f"/sign-in?{urlencode(present)}")
    assert person is not None  # noqa: S101 - must_sign_in is true without one
    if await service.must_consent(authorization, person):
        if "none" in authorization.prompt:
            return back_to_app(authorization, issuer, error="consent_required")
        language = 1 if page_language(request) == "es" else 0
        context = {
            "client_name": authorization.client.name,
            "scopes": [words[language] for words in authorization.scopes_in_words],
            "params": authorization.params.query(prompt=_without(authorization.prompt, "consent")),
            "person": person,
        }
        then_to = origin_of(authorization.redirect_uri)
        return await render(request, "consent.html", context, csrf=csrf, then_to=then_to)
    code = await service.issue_code(authorization, person)
    return back_to_app(authorization, issuer, code=code)


def _without(prompt: frozenset[str], value: str) -> str | None:
    return " ".join(sorted(prompt - {value})) or None


@router.get("/authorize")
@router.post("/authorize")
async def authorize(
    request: Request,
    params: Params,
    person: BrowserUser,
    service: AuthorizationServiceDep,
    csrf: CsrfDep,
    state: AppStateDep,
) -> Response:
    """The authorization endpoint (OpenID Connect Core §3.1.2.1)."""
    issuer = state.settings.issuer
    try:
        authorization = await service.check(params)
    except AuthorizationError as error:
        return redirect(error.answer(issuer))
    return await proceed(request, authorization, person, service, csrf, issuer)


@router.post("/authorize/consent")
async def consent(
    request: Request,
    csrf: CheckedCsrf,
    person: BrowserUser,
    service: AuthorizationServiceDep,
    state: AppStateDep,
    params: Annotated[str, Form(max_length=8192)],
    decision: Annotated[str, Form(max_length=16)],
) -> Response:
    """The person's answer: allow (remembered) or deny (the app is told)."""
    issuer = state.settings.issuer
    request_params = _checked(parse_form(params.encode()))
    try:
        authorization = await service.check(request_params)
    except AuthorizationError as error:
        return redirect(error.answer(issuer))
    if decision != "allow":
        return back_to_app(authorization, issuer, error="access_denied")
    if person is None:  # signed out in another tab meanwhile
        return await proceed(request, authorization, person, service, csrf, issuer)
    await service.allow(authorization, person)
    code = await service.issue_code(authorization, person)
    return back_to_app(authorization, issuer, code=code)
