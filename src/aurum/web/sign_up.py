"""`/sign-up`: create an account, as `POST /users/register` does.

The same service method, limits and errors; a taken email address gets the same answer as
a free one (its owner is told by email), so the page reveals no account.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from aurum.app_state import AppStateDep
from aurum.users.dependencies import UserServiceDep
from aurum.users.errors import UsernameTaken
from aurum.users.router import REGISTER_LIMITS
from aurum.users.schemas import UserCreate
from aurum.web.csrf import CheckedCsrf, CsrfDep
from aurum.web.forms import FormFields, PageForm, parsed, show_errors_in
from aurum.web.i18n import page_language
from aurum.web.pages import PageRoute, render
from aurum.web.password_pages import PASSWORD_ERRORS, password_lengths

router = APIRouter(route_class=PageRoute, include_in_schema=False)

FIELD_TEXTS = {
    "username": "form.username_invalid",
    "email": "form.email_invalid",
    "full_name": "form.full_name_invalid",
    "password": "form.password_missing",
}


@router.get("/sign-up")
async def sign_up_page(request: Request, csrf: CsrfDep, state: AppStateDep) -> HTMLResponse:
    """Create an account."""
    return await render(request, "sign_up.html", password_lengths(state.settings), csrf=csrf)


@router.post("/sign-up", dependencies=[REGISTER_LIMITS])
async def sign_up(
    request: Request,
    csrf: CheckedCsrf,
    state: AppStateDep,
    users: UserServiceDep,
    form: FormFields,
) -> HTMLResponse:
    """Create an account; a verification link is emailed (the same answer for a taken email)."""
    typed = {name: form.get(name, "") for name in ("username", "email", "full_name")}
    fields = {error.code: "password" for error in PASSWORD_ERRORS}
    fields[UsernameTaken.code] = "username"
    context = {**typed, **password_lengths(state.settings)}
    show_errors_in(request, PageForm("sign_up.html", context, fields))
    # An empty optional field is not sent, as an API client would leave it out.
    sent = {
        **typed,
        "full_name": typed["full_name"] or None,
        "password": form.get("password"),
        "locale": page_language(request),  # the language the person signed up in
    }
    data = parsed(UserCreate, sent, FIELD_TEXTS)
    await users.register(data)
    return await render(request, "sign_up.html", {"registered": True}, csrf=csrf)
