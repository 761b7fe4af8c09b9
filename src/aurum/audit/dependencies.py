from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.audit.repository import AuditRepository
from aurum.audit.service import AuditLog
from aurum.client_info import ClientInfoDep
from aurum.db.session import SessionDep


async def get_audit_log(db: SessionDep, client: ClientInfoDep) -> AuditLog:
    """The audit log, writing in the request's transaction with its address and agent."""
    return AuditLog(AuditRepository(db), client)


AuditLogDep = Annotated[AuditLog, Depends(get_audit_log)]
