"""Liveness, readiness and the service root."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from aurum.app_state import AppStateDep
from aurum.errors import ServiceUnavailable
from aurum.system.schemas import Liveness, Readiness, ServiceStatus

router = APIRouter(tags=["system"])


@router.get("/")
async def root() -> ServiceStatus:
    """The service is online."""
    return ServiceStatus(status="online")


@router.get("/health")
async def health() -> Liveness:
    """Liveness: the process answers."""
    return Liveness(status="ok")


@router.get("/health/ready")
async def ready(state: AppStateDep) -> Readiness:
    """Readiness: the database answers a query."""
    try:
        async with state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise ServiceUnavailable from exc
    return Readiness(status="ready", database="ok")
