"""Liveness, readiness and the service root."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from aurum.app_state import AppStateDep
from aurum.errors import ServiceUnavailable

router = APIRouter(tags=["system"])


@router.get("/")
async def root() -> dict[str, str]:
    """The service is online."""
    return {"status": "online"}


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/health/ready")
async def ready(state: AppStateDep) -> dict[str, str]:
    """Readiness: the database answers a query."""
    try:
        async with state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise ServiceUnavailable from exc
    return {"status": "ready", "database": "ok"}
