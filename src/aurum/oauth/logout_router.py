"""RP-Initiated Logout 1.0: an app sends the person here to sign out of Aurum too."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response

from aurum.app_state import AppStateDep
from aurum.auth.dependencies import BrowserSignInDep
from aurum.callers.dependencies import BrowserUser
from aurum.db.session import SessionDep
from aurum.errors import AppError
from aurum.oauth.redirect_uris import is_registered
from aurum.oauth.repository import ClientRepository
from aurum.web.csrf import CheckedCsrf, CsrfDep
from aurum.web.pages import PageRoute, origin_of, redirect, render
from aurum.web.sign_in import forget_session_cookie

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Text = Annotated[str | None, Query(max_length=4096)]
Field = Annotated[str | None, Form(max_length=4096)]


class UnregisteredLogoutRedirect(AppError):
    status_code = 400
    code = "invalid_post_logout_redirect_uri"
    message = "The app asked to send you to an address it has not registered."
    message_es = "La aplicación pidió enviarte a una dirección que no tiene registrada."


async def checked_target(
    db: SessionDep,
    state: AppStateDep,
    id_token_hint: str | None,
    client_id: str | None,
    post_logout_redirect_uri: str | None,
) -> str | None:
    """The registered address to go to afterwards, if the app named one; an unregistered
    one, or one without a way to tell which app asks, is refused (no open redirect)."""
    if post_logout_redirect_uri is None:
        return None
    hinted = state.id_tokens.client_of(id_token_hint) if id_token_hint else None
    if hinted is not None and client_id is not None and hinted != client_id:
        raise UnregisteredLogoutRedirect
    client = await ClientRepository(db).get(hinted or client_id or "")
    if client is None or client.disabled:
        raise UnregisteredLogoutRedirect
    if not is_registered(post_logout_redirect_uri, client.post_logout_redirect_uris):
        raise UnregisteredLogoutRedirect
    return post_logout_redirect_uri


def back_to(target: str, state: str | None) -> Response:
    """The app's post-logout address, with its `state` (and nothing else: §3)."""
    if not state:
        return redirect(target)
    separator = "&" if "?" in target else "?"
    return redirect(f"{target}{separator}{urlencode({'state': state})}")


@router.get("/end-session")
async def end_session_page(
    request: Request,
    csrf: CsrfDep,
    person: BrowserUser,
    db: SessionDep,
    state: AppStateDep,
    id_token_hint: Text = None,
    client_id: Text = None,
    post_logout_redirect_uri: Text = None,
    logout_state: Annotated[str | None, Query(alias="state", max_length=1024)] = None,
) -> Response:
    """Ask the person to confirm (another site cannot sign them out unasked)."""
    target = await checked_target(db, state, id_token_hint, client_id, post_logout_redirect_uri)
    if person is None:
        if target is not None:
            return back_to(target, logout_state)
        return await render(request, "sign_out.html", {"signed_out": True}, csrf=csrf)
    context = {
        "person": person,
        "action_path": "/end-session",
        "logout": {
            "id_token_hint": id_token_hint or "",
            "client_id": client_id or "",
            "post_logout_redirect_uri": target or "",
            "state": logout_state or "",
        },
    }
    then_to = origin_of(target) if target else None
    return await render(request, "sign_out.html", context, csrf=csrf, then_to=then_to)


@router.post("/end-session")
async def end_session(
    request: Request,
    csrf: CheckedCsrf,
    person: BrowserUser,
    browser: BrowserSignInDep,
    db: SessionDep,
    state: AppStateDep,
    id_token_hint: Field = None,
    client_id: Field = None,
    post_logout_redirect_uri: Field = None,
    logout_state: Annotated[str | None, Form(alias="state", max_length=1024)] = None,
) -> Response:
    """Sign out of Aurum, then back to the app if it asked."""
    target = await checked_target(db, state, id_token_hint, client_id, post_logout_redirect_uri)
    if person is not None:
        await browser.close(person)
    if target is not None:
        response = back_to(target, logout_state)
    else:
        response = await render(request, "sign_out.html", {"signed_out": True}, csrf=csrf)
    forget_session_cookie(response, state.settings)
    return response
