"""Two-step verification: enrolment and removal, and the second step of signing in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from aurum.auth.schemas import TokenResponse
from aurum.callers.dependencies import AdminUser, CurrentUser
from aurum.client_info import ClientInfoDep
from aurum.mfa.dependencies import MfaServiceDep, MfaSignInServiceDep
from aurum.mfa.schemas import (
    CodeConfirmation,
    MfaSignIn,
    MfaStatus,
    PasswordConfirmation,
    ReauthenticatedCode,
    RecoveryCodes,
    TotpEnrollment,
)
from aurum.rate_limits.dependencies import rate_limit, rate_limit_per_user
from aurum.request_body import form_or_json, form_or_json_doc

router = APIRouter(prefix="/users/me/mfa", tags=["two-step verification"])
login_router = APIRouter(tags=["auth"])
admin_router = APIRouter(prefix="/users", tags=["two-step verification"])

# Per address here; per account, the codes checked (MfaService: `mfa.account`).
SIGN_IN_LIMITS = rate_limit("mfa", per_ip="30/minute;300/hour")
# Changes to one's own second factor (each checks the password or a code).
SETTINGS_LIMITS = rate_limit_per_user("mfa_settings", per_account="10/minute;30/hour")


@login_router.post(
    "/token/mfa", openapi_extra=form_or_json_doc(MfaSignIn), dependencies=[SIGN_IN_LIMITS]
)
async def sign_in_second_step(
    data: Annotated[MfaSignIn, Depends(form_or_json(MfaSignIn))],
    client: ClientInfoDep,
    service: MfaSignInServiceDep,
) -> TokenResponse:
    """Exchange the `mfa_token` from `/token` and a code (or a recovery code) for tokens."""
    return await service.complete(data.mfa_token, data.code, client)


@router.get("")
async def mfa_status(user: CurrentUser, service: MfaServiceDep) -> MfaStatus:
    """Whether two-step verification is on, and how many recovery codes are left."""
    return await service.status(user)


@router.post("/totp", dependencies=[SETTINGS_LIMITS])
async def start_totp(
    data: PasswordConfirmation, user: CurrentUser, service: MfaServiceDep
) -> TotpEnrollment:
    """Start enrolling an authenticator app; returns the otpauth:// URI for a QR code."""
    return await service.start_enrollment(user, data.password)


@router.post("/totp/confirm", dependencies=[SETTINGS_LIMITS])
async def confirm_totp(
    data: CodeConfirmation, user: CurrentUser, service: MfaServiceDep
) -> RecoveryCodes:
    """Turn two-step verification on with a code from the app; returns 10 recovery codes."""
    return await service.confirm_enrollment(user, data.code)


@router.delete(
    "/totp",
    status_code=status.HTTP_204_NO_CONTENT,
    openapi_extra=form_or_json_doc(ReauthenticatedCode),
    dependencies=[SETTINGS_LIMITS],
)
async def disable_totp(
    data: Annotated[ReauthenticatedCode, Depends(form_or_json(ReauthenticatedCode))],
    user: CurrentUser,
    service: MfaServiceDep,
) -> Response:
    """Turn two-step verification off, with your password and a code."""
    await service.disable(user, data.password, data.code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/recovery-codes", dependencies=[SETTINGS_LIMITS])
async def regenerate_recovery_codes(
    data: ReauthenticatedCode, user: CurrentUser, service: MfaServiceDep
) -> RecoveryCodes:
    """Replace your recovery codes, with your password and a code."""
    return await service.regenerate_recovery_codes(user, data.password, data.code)


@admin_router.delete("/{username}/mfa", status_code=status.HTTP_204_NO_CONTENT)
async def reset_user_mfa(username: str, admin: AdminUser, service: MfaServiceDep) -> Response:
    """Turn a user's two-step verification off (a lost phone); their sessions end (admins)."""
    await service.reset(admin, username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
