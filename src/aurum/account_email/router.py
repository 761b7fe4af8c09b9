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
from aurum.client_info import ClientInfoDep
from aurum.rate_limits.dependencies import rate_limit

router = APIRouter(tags=["account email"])

# Per address and per email typed. The email counter is keyed on the text sent, never on an
# account, so a 429 says nothing about whether an account uses the address.
PER_IP = "10/minute;100/hour"
PER_EMAIL = "5/hour"
RESET_REQUEST_LIMITS = rate_limit(
    "password_reset", per_ip=PER_IP, per_account=PER_EMAIL, account_field="email"
)
RESET_CONFIRM_LIMITS = rate_limit("password_reset_confirm", per_ip=PER_IP)
VERIFICATION_REQUEST_LIMITS = rate_limit(
    "email_verification", per_ip=PER_IP, per_account=PER_EMAIL, account_field="email"
)
VERIFICATION_CONFIRM_LIMITS = rate_limit("email_verification_confirm", per_ip=PER_IP)


@router.post(
    "/password-reset/request",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[RESET_REQUEST_LIMITS],
)
async def request_password_reset(
    data: EmailRequest, client: ClientInfoDep, service: AccountEmailServiceDep
) -> Accepted:
    """Email a reset link to the account with this address, if there is one."""
    service.request_password_reset(data.email, client)
    return Accepted()


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[RESET_CONFIRM_LIMITS],
)
async def confirm_password_reset(
    data: PasswordResetConfirm, service: AccountEmailServiceDep
) -> Response:
    """Choose a new password with the link's token; every session of the account ends."""
    await service.confirm_password_reset(data.token, data.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/email-verification/request",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[VERIFICATION_REQUEST_LIMITS],
)
async def request_verification(data: EmailRequest, service: AccountEmailServiceDep) -> Accepted:
    """Email a new verification link to this address, if an account still has to confirm it."""
    service.request_verification(data.email)
    return Accepted()


@router.post(
    "/email-verification/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[VERIFICATION_CONFIRM_LIMITS],
)
async def confirm_verification(
    data: VerificationConfirm, service: AccountEmailServiceDep
) -> Response:
    """Confirm the address with the link's token."""
    await service.confirm_verification(data.token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
