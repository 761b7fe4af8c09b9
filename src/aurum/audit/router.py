"""The audit log, for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from aurum.audit.dependencies import AuditLogDep
from aurum.audit.schemas import AuditEventPage, AuditEventRead, AuditQuery
from aurum.callers.dependencies import AdminUser

router = APIRouter(prefix="/audit-events", tags=["audit"])


@router.get("")
async def list_audit_events(
    query: Annotated[AuditQuery, Query()], _: AdminUser, audit: AuditLogDep
) -> AuditEventPage:
    """Security events, newest first; follow `next_cursor` (`?cursor=`) for older ones."""
    page, next_cursor = await audit.list_page(
        query.to_filter(), limit=query.limit, cursor=query.cursor
    )
    return AuditEventPage(
        items=[AuditEventRead.model_validate(event) for event in page], next_cursor=next_cursor
    )
