"""`/accept-invitation?token=…`: the link of a company invitation's email.

Only a signed-in account whose confirmed address is the invited one may accept, and the
API can show an invitation only to that account. So, until this page knows who is signed
in, it explains that and sends the person to sign in and come back with the link.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from aurum.web.pages import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SIGN_IN = "/sign-in"


@router.get("/accept-invitation")
async def accept_invitation_page(
    request: Request, token: Annotated[str, Query(max_length=512)] = ""
) -> HTMLResponse:
    """An invitation to join a company: sign in to accept it, then come back here."""
    back = f"{request.url.path}?{urlencode({'token': token})}"
    sign_in_url = f"{SIGN_IN}?{urlencode({'next': back})}" if token else None
    return await render(request, "accept_invitation.html", {"sign_in_url": sign_in_url})
