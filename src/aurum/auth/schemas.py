from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LoginForm(BaseModel):
    """OAuth2 password grant fields; `username` may also be the email address."""

    username: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=4096)
    grant_type: Literal["password"] | None = None
    scope: str = ""


class RefreshRequest(BaseModel):
    refresh_token: str | None = Field(default=None, max_length=512)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a type, not a secret
    expires_in: int
    refresh_token: str


class MfaRequired(BaseModel):
    """The password was right and the account has a second factor: no tokens yet.

    Send `mfa_token` with a code to `POST /api/v1/token/mfa`.
    """

    mfa_required: Literal[True] = True
    mfa_token: str
    expires_in: int
