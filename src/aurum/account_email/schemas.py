from __future__ import annotations

from pydantic import BaseModel, Field

from aurum.users.schemas import Email, Password

ACCEPTED_MESSAGE = "If an account uses that address, an email is on its way."


class EmailRequest(BaseModel):
    email: Email


class PasswordResetConfirm(BaseModel):
    token: str = Field(min_length=1, max_length=512)
    new_password: Password


class VerificationConfirm(BaseModel):
    token: str = Field(min_length=1, max_length=512)


class Accepted(BaseModel):
    """The same answer whether or not an account uses the address."""

    message: str = ACCEPTED_MESSAGE
