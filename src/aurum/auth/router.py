"""Sign-in, token refresh and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from aurum.auth.dependencies import AuthServiceDep, TokenRotationDep
from aurum.auth.errors import InvalidRefreshToken
from aurum.auth.schemas import LoginForm, MfaRequired, RefreshRequest, TokenResponse
from aurum.auth.service import LOGIN_PER_IP
from aurum.callers.authentication import oauth2_scheme
from aurum.client_info import ClientInfoDep
from aurum.rate_limits.dependencies import rate_limit
from aurum.request_body import form_or_json, form_or_json_doc

router = APIRouter(tags=["auth"])

REFRESH_BODY = form_or_json_doc(RefreshRequest, required=False)


# Per-account sign-in limits are the failure counters of LoginThrottle, not request counts.
LOGIN_LIMITS = rate_limit("login", per_ip=LOGIN_PER_IP)
REFRESH_LIMITS = rate_limit("refresh", per_ip="60/minute;600/hour")


@router.post("/token", openapi_extra=form_or_json_doc(LoginForm), dependencies=[LOGIN_LIMITS])
async def login(
    form: Annotated[LoginForm, Depends(form_or_json(LoginForm))],
    client: ClientInfoDep,
    auth: AuthServiceDep,
) -> TokenResponse | MfaRequired:
    """Sign in with username (or email) and password; returns access and refresh tokens.

    With two-step verification on, returns `mfa_required` and an `mfa_token` instead.
    The legacy path for first-party scripts: with PASSWORD_GRANT_ENABLED=false, 400
    `unsupported_grant_type`.
    """
    return await auth.login(form.username, form.password, client)


def _refresh_token(request: Request, body: RefreshRequest) -> str:
    if body.refresh_token:
        return body.refresh_token
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    raise InvalidRefreshToken


@router.post("/refresh-token", openapi_extra=REFRESH_BODY, dependencies=[REFRESH_LIMITS])
async def refresh_token(
    request: Request,
    body: Annotated[RefreshRequest, Depends(form_or_json(RefreshRequest))],
    rotation: TokenRotationDep,
) -> TokenResponse:
    """Rotate a refresh token (Bearer header or body): a new access and refresh token."""
    return await rotation.refresh(_refresh_token(request, body), alone=True)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, openapi_extra=REFRESH_BODY)
async def logout(
    token: Annotated[str | None, Depends(oauth2_scheme)],
    body: Annotated[RefreshRequest, Depends(form_or_json(RefreshRequest))],
    auth: AuthServiceDep,
) -> Response:
    """End the session of the access token (or of the refresh token in the body)."""
    await auth.logout(access_token=token, refresh_token=body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
