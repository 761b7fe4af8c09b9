from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class SessionRead(BaseModel):
    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime = Field(description="The last refresh; reads do not count.")
    expires_at: datetime = Field(description="When it ends: the absolute or the idle limit.")
    user_agent: str | None
    ip_address: str | None
    client_id: str | None = Field(description="The OAuth client it was opened through, if any.")
    current: bool = Field(description="True for the session of the token making this request.")


class SessionPage(BaseModel):
    items: list[SessionRead]
