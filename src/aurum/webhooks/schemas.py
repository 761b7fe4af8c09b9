from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    UrlConstraints,
    field_validator,
)

from aurum.events.types import EventType

MessageStatus = Literal["pending", "delivered", "dead"]


def _unique(values: list[EventType]) -> list[EventType]:
    return sorted(set(values))


WebhookUrl = Annotated[
    AnyHttpUrl, UrlConstraints(max_length=2048, allowed_schemes=["http", "https"])
]
EventTypes = Annotated[
    list[EventType], Field(min_length=1, max_length=len(EventType)), AfterValidator(_unique)
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl
    description: Description = ""
    event_types: EventTypes
    enabled: bool = True


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl | None = None
    description: Description | None = None
    event_types: EventTypes | None = None
    enabled: bool | None = None


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    previous_secret_expires_at: datetime | None = Field(
        description="Until then the previous secret signs alongside the current one."
    )
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="The signing secret (`whsec_…`); shown only here.")


class WebhookSecret(BaseModel):
    secret: str = Field(description="The new signing secret; shown only here.")
    previous_secret_expires_at: datetime | None = Field(
        description="Until then messages carry a signature with the previous secret too."
    )


class WebhookPage(BaseModel):
    items: list[WebhookRead]
    next_cursor: str | None = None


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="The `webhook-id` header of every attempt.")
    event_type: str
    status: MessageStatus
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    delivered_at: datetime | None


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None = Field(description="None: no answer (refused, timed out).")
    duration_ms: int
    outcome: Literal["delivered", "retry", "dead"]
    error: str | None


class MessageDetail(MessageRead):
    payload: dict[str, Any]
    log: list[AttemptRead]

    @field_validator("payload", mode="before")
    @classmethod
    def _parse(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value


class MessagePage(BaseModel):
    items: list[MessageRead]
    next_cursor: str | None = None


class MessageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: MessageStatus | None = None
    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=500)


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=500)
