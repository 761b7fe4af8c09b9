from __future__ import annotations

from pydantic import BaseModel, Field

from aurum.users.schemas import Password

Code = Field(min_length=1, max_length=64)


class PasswordConfirmation(BaseModel):
    password: Password


class TotpEnrollment(BaseModel):
    """Scan `otpauth_uri` as a QR code, or type `secret` into the authenticator app."""

    otpauth_uri: str
    secret: str


class CodeConfirmation(BaseModel):
    code: str = Code


class ReauthenticatedCode(BaseModel):
    """Password and a current code (or a recovery code)."""

    password: Password
    code: str = Code


class RecoveryCodes(BaseModel):
    """Shown once: each works once, in place of an authenticator code."""

    recovery_codes: list[str]


class MfaStatus(BaseModel):
    totp_enabled: bool
    recovery_codes_remaining: int


class MfaSignIn(BaseModel):
    mfa_token: str = Field(min_length=1, max_length=512)
    code: str = Code
