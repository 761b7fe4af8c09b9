"""Forgotten passwords: `/forgot-password` asks for a link, `/reset-password?token=…`
(the link of the reset email) chooses the new password.

The same service methods, limits and answers as `/password-reset/request` and
`/password-reset/confirm`: the request page says the same thing whether or not an account
uses the address.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from aurum.account_email.dependencies import AccountEmailServiceDep
from aurum.account_email.errors import InvalidResetToken
from aurum.account_email.router import RESET_CONFIRM_LIMITS, RESET_REQUEST_LIMITS
from aurum.account_email.schemas import EmailRequest, PasswordResetConfirm
from aurum.app_state import AppStateDep
from aurum.client_info import ClientInfoDep
from aurum.config import Settings
from aurum.users.errors import (
    PasswordTooCommon,
    PasswordTooLong,
    PasswordTooShort,
    PasswordTooSimilar,
)
from aurum.web.csrf import CheckedCsrf, CsrfDep
from aurum.web.forms import FormFields, InvalidField, PageForm, parsed, show_errors_in
from aurum.web.pages import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PASSWORD_ERRORS = (PasswordTooShort, PasswordTooLong, PasswordTooCommon, PasswordTooSimilar)
LinkToken = Annotated[str, Query(max_length=512)]


def password_lengths(settings: Settings) -> dict[str, Any]:
    """For the hint and the inputs' `maxlength`; the service checks the password."""
    return {
        "password_min_length": settings.password_min_length,
        "password_max_length": settings.password_max_length,
    }


@router.get("/forgot-password")
async def forgot_password_page(request: Request, csrf: CsrfDep) -> HTMLResponse:
    """Ask for a reset link by email."""
    return await render(request, "forgot_password.html", csrf=csrf)


@router.post("/forgot-password", dependencies=[RESET_REQUEST_LIMITS])
async def forgot_password(
    request: Request,
    csrf: CheckedCsrf,
    client: ClientInfoDep,
    service: AccountEmailServiceDep,
    form: FormFields,
) -> HTMLResponse:
    """Email a reset link to the account with this address, if there is one."""
    typed = {"email": form.get("email", "")}
    show_errors_in(request, PageForm("forgot_password.html", typed))
    data = parsed(EmailRequest, typed, {"email": "form.email_invalid"})
    service.request_password_reset(data.email, client)
    return await render(request, "forgot_password.html", {"sent": True}, csrf=csrf)


@router.get("/reset-password")
async def reset_password_page(
    request: Request, csrf: CsrfDep, state: AppStateDep, token: LinkToken = ""
) -> HTMLResponse:
    """Choose a new password: the form that spends the link's token."""
    context = {"token": token, **password_lengths(state.settings)}
    return await render(request, "reset_password.html", context, csrf=csrf)


@router.post("/reset-password", dependencies=[RESET_CONFIRM_LIMITS])
async def reset_password(
    request: Request,
    csrf: CheckedCsrf,
    state: AppStateDep,
    service: AccountEmailServiceDep,
    form: FormFields,
) -> HTMLResponse:
    """Set the new password with the link's token; every session of the account ends."""
    token, new_password = form.get("token", ""), form.get("new_password", "")
    fields = {error.code: "new_password" for error in PASSWORD_ERRORS}
    fields[InvalidResetToken.code] = "token"
    context = {"token": token, **password_lengths(state.settings)}
    show_errors_in(request, PageForm("reset_password.html", context, fields))
    data = parsed(
        PasswordResetConfirm,
        {"token": token, "new_password": new_password},
        {"token": "link.incomplete", "new_password": "form.password_missing"},
    )
    if form.get("new_password_confirm") != data.new_password:
        raise InvalidField("new_password_confirm", "reset.mismatch")
    await service.confirm_password_reset(data.token, data.new_password)
    return await render(request, "reset_password.html", {"done": True}, csrf=csrf)
