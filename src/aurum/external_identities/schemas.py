from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from aurum.sso.authenticator import MAX_TOKEN_LENGTH


class IdentityLink(BaseModel):
    """An access token from the single sign-on provider, proving the identity to link."""

    token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)


class ExternalIdentityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    issuer: str
    subject: str
    email: str | None
    created_at: datetime
    last_seen_at: datetime
