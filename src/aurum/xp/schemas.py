from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_AWARD = 1_000_000  # per award; keeps any total far from integer overflow


@dataclass(frozen=True, slots=True)
class XpAwarder:
    """Who awards XP, as the ledger records them: a user or a service client."""

    name: str  # the username, or the client id
    user_id: uuid.UUID | None = None
    client_id: str | None = None


class XpAwardCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Annotated[int, Field(gt=0, le=MAX_AWARD)]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class XpAwardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    amount: int
    reason: str
    awarded_by: str = Field(description="The awarding user's username, or the client's client_id.")
    awarded_by_type: Literal["user", "client"] = Field(
        description="`user` (an admin) or `client` (a service client with the xp:write scope)."
    )
    created_at: datetime


class XpAwardResult(XpAwardRead):
    """The ledger line just written, with the user's totals after it."""

    username: str
    xp_total: int
    level: int


class LeaderboardEntry(BaseModel):
    rank: int  # 1 + the number of people with more XP: ties share a rank
    username: str
    full_name: str | None
    xp_total: int
    level: int
