"""Password reset and email verification by single-use links."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from aurum.account_email.dependencies import AccountEmailServiceDep
from aurum.account_email.schemas import (
    Accepted,
    EmailRequest,
    PasswordResetConfirm,
    VerificationConfirm,
)

router = APIRouter(tags=["account email"])


@router.post("/password-reset/request", status_code=status.HTTP_202_ACCEPTED)
async def request_password_reset(data: EmailRequest, service: AccountEmailServiceDep) -> Accepted:
    """Email a reset link to the account with this address, if there is one."""
    service.request_password_reset(data.email)
    return Accepted()


@router.post("/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT)
async def confirm_password_reset(
    data: PasswordResetConfirm, service: AccountEmailServiceDep
) -> Response:
    """Choose a new password with the link's token; every session of the account ends."""
    await service.confirm_password_reset(data.token, data.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/email-verification/request", status_code=status.HTTP_202_ACCEPTED)
async def request_verification(data: EmailRequest, service: AccountEmailServiceDep) -> Accepted:
    """Email a new verification link to this address, if an account still has to confirm it."""
    service.request_verification(data.email)
    return Accepted()


@router.post("/email-verification/confirm", status_code=status.HTTP_204_NO_CONTENT)
async def confirm_verification(
    data: VerificationConfirm, service: AccountEmailServiceDep
) -> Response:
    """Confirm the address with the link's token."""
    await service.confirm_verification(data.token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
