"""`/accept-invitation?token=…`: the link of a company invitation's email.

Only a signed-in account whose confirmed address is the invited one may accept. Someone
not signed in is sent to sign in and back; the signed-in person sees what they would join
and accepts with a button (a POST), so a mail scanner that follows the link spends nothing.
Every refusal (another address, an unconfirmed one, already a member, a spent or expired
link) is the API's error, shown as a page.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response

from aurum.callers.dependencies import BrowserUser
from aurum.companies.dependencies import InvitationServiceDep
from aurum.web.csrf import CheckedCsrf, CsrfDep
from aurum.web.pages import PageRoute, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PATH = "/accept-invitation"
SIGN_IN = "/sign-in"
TEMPLATE = "accept_invitation.html"
LinkToken = Annotated[str, Query(max_length=512)]


def sign_in_and_back(token: str) -> str:
    back = f"{PATH}?{urlencode({'token': token})}"
    return f"{SIGN_IN}?{urlencode({'next': back})}"


@router.get(PATH)
async def accept_invitation_page(
    request: Request,
    csrf: CsrfDep,
    person: BrowserUser,
    invitations: InvitationServiceDep,
    token: LinkToken = "",
) -> Response:
    """The company and role the invitation offers, and the button that accepts it."""
    if not token:
        return await render(request, TEMPLATE, {}, csrf=csrf)
    if person is None:
        return await render(request, TEMPLATE, {"sign_in_url": sign_in_and_back(token)}, csrf=csrf)
    invitation, company = await invitations.preview(person.user, token)
    context = {"token": token, "company": company.name, "role": invitation.role, "person": person}
    return await render(request, TEMPLATE, context, csrf=csrf)


@router.post(PATH)
async def accept_invitation(
    request: Request,
    csrf: CheckedCsrf,
    person: BrowserUser,
    invitations: InvitationServiceDep,
    token: Annotated[str, Form(min_length=1, max_length=512)],
) -> Response:
    """Join the company; the invitation is spent."""
    if person is None:  # signed out meanwhile
        return redirect(sign_in_and_back(token))
    member, company = await invitations.accept(person.user, token)
    context = {"joined": company.name, "role": member.role}
    return await render(request, TEMPLATE, context, csrf=csrf)
