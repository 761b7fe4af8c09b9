from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_AWARD = 1_000_000  # per award; keeps any total far from integer overflow


@dataclass(frozen=True, slots=True)
class XpAwarder:
    """Who awards XP, as the ledger records them: a user, or (user_id None) a service."""

    user_id: uuid.UUID | None
    name: str


class XpAwardCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Annotated[int, Field(gt=0, le=MAX_AWARD)]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class XpAwardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    amount: int
    reason: str
    awarded_by: str
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
