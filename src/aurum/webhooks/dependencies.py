from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends

from aurum.app_state import AppStateDep
from aurum.audit.dependencies import AuditLogDep
from aurum.db.session import SessionDep
from aurum.webhooks.repository import WebhookRepository
from aurum.webhooks.service import WebhookService
from aurum.webhooks.signing import SecretBox


async def get_webhook_service(
    db: SessionDep, state: AppStateDep, audit: AuditLogDep
) -> WebhookService:
    settings = state.settings
    return WebhookService(
        WebhookRepository(db),
        SecretBox(settings.secret_key.get_secret_value()),
        timedelta(hours=settings.webhook_secret_grace_hours),
        audit,
    )


WebhookServiceDep = Annotated[WebhookService, Depends(get_webhook_service)]
