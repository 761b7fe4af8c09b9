"""What the service root and the health checks answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class ServiceStatus(BaseModel):
    status: Literal["online"]


class Liveness(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    database: Literal["ok"]
