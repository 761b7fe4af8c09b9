"""The page a verification email's link opens: `/verify-email?token=…`.

Opening the link shows a button; only the button (a POST) spends the token, so a mail
scanner that follows links cannot confirm an address on the person's behalf.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from aurum.account_email.dependencies import AccountEmailServiceDep
from aurum.account_email.router import VERIFICATION_CONFIRM_LIMITS
from aurum.web.csrf import CheckedCsrf, CsrfDep
from aurum.web.pages import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

LinkToken = Annotated[str, Query(max_length=512)]


@router.get("/verify-email")
async def verify_email_page(request: Request, csrf: CsrfDep, token: LinkToken = "") -> HTMLResponse:
    """Confirm an address: the button that spends the link's token."""
    return await render(request, "verify_email.html", {"token": token}, csrf=csrf)


@router.post("/verify-email", dependencies=[VERIFICATION_CONFIRM_LIMITS])
async def verify_email(
    request: Request,
    csrf: CheckedCsrf,
    token: Annotated[str, Form(min_length=1, max_length=512)],
    service: AccountEmailServiceDep,
) -> HTMLResponse:
    """Confirm the address with the link's token."""
    await service.confirm_verification(token)
    return await render(request, "verify_email.html", {"verified": True}, csrf=csrf)
