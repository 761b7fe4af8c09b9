"""Managing webhook endpoints and their delivery log (admins). Never commits."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from aurum.audit.events import AuditEventType
from aurum.audit.service import AuditLog
from aurum.db.base import utcnow
from aurum.events.queue import queue_delivery
from aurum.models.user import User
from aurum.models.webhook import WebhookAttempt, WebhookEndpoint, WebhookMessage
from aurum.pagination import decode_cursor, encode_cursor
from aurum.webhooks.errors import MessageStillPending, WebhookMessageNotFound, WebhookNotFound
from aurum.webhooks.repository import WebhookRepository
from aurum.webhooks.schemas import WebhookCreate, WebhookUpdate
from aurum.webhooks.signing import SecretBox, new_secret


def _described(endpoint: WebhookEndpoint) -> dict[str, str | bool]:
    """What the audit log keeps of an endpoint: never its secret."""
    return {
        "webhook_id": str(endpoint.id),
        "url": endpoint.url,
        "event_types": ",".join(endpoint.event_types),
        "enabled": endpoint.enabled,
    }


class WebhookService:
    """Every change is an admin action, recorded with the admin as its actor."""

    def __init__(
        self, webhooks: WebhookRepository, box: SecretBox, grace: timedelta, audit: AuditLog
    ) -> None:
        self.webhooks = webhooks
        self.box = box
        self.grace = grace  # how long a rotated-out secret keeps signing
        self.audit = audit

    async def create(self, data: WebhookCreate, *, actor: User) -> tuple[WebhookEndpoint, str]:
        """A new endpoint and its secret, returned here once and stored encrypted."""
        secret = new_secret()
        endpoint = await self.webhooks.add(
            WebhookEndpoint(
                url=str(data.url),
                description=data.description,
                event_types=[str(event_type) for event_type in data.event_types],
                enabled=data.enabled,
                secret_encrypted=self.box.seal(secret),
                previous_secret_encrypted=None,
                previous_secret_expires_at=None,
            )
        )
        await self.audit.record(
            AuditEventType.WEBHOOK_CREATED, actor_id=actor.id, details=_described(endpoint)
        )
        return endpoint, secret

    async def list_page(
        self, *, limit: int, cursor: str | None
    ) -> tuple[list[WebhookEndpoint], str | None]:
        """Oldest first, from `cursor` on; and the cursor of the next page, if any."""
        after = decode_cursor(cursor, (datetime, uuid.UUID)) if cursor else None
        page = await self.webhooks.list_page(limit=limit + 1, after=after)
        if len(page) <= limit:
            return page, None
        last = page[limit - 1]
        return page[:limit], encode_cursor((last.created_at, last.id))

    async def get(self, endpoint_id: uuid.UUID) -> WebhookEndpoint:
        endpoint = await self.webhooks.get(endpoint_id)
        if endpoint is None:
            raise WebhookNotFound
        return endpoint

    async def update(
        self, endpoint_id: uuid.UUID, data: WebhookUpdate, *, actor: User
    ) -> WebhookEndpoint:
        """Only the fields sent change. Messages already made keep their endpoint's order."""
        endpoint = await self.get(endpoint_id)
        changes = {
            field: value
            for field, value in data.model_dump(exclude_unset=True).items()
            if value is not None
        }
        if "url" in changes:
            changes["url"] = str(changes["url"])
        if "event_types" in changes:
            changes["event_types"] = [str(event_type) for event_type in changes["event_types"]]
        changed = sorted(
            field for field, value in changes.items() if getattr(endpoint, field) != value
        )
        for field in changed:
            setattr(endpoint, field, changes[field])
        if changed:
            endpoint.updated_at = utcnow()
            await self.webhooks.session.flush()
            details = {**_described(endpoint), "fields": ",".join(changed)}
            await self.audit.record(
                AuditEventType.WEBHOOK_UPDATED, actor_id=actor.id, details=details
            )
        return endpoint

    async def rotate_secret(
        self, endpoint_id: uuid.UUID, *, actor: User
    ) -> tuple[WebhookEndpoint, str]:
        """A new secret (returned once); the current one keeps signing alongside it for the
        grace period, so receivers can switch without losing a message."""
        endpoint = await self.webhooks.get(endpoint_id, secrets=True)
        if endpoint is None:
            raise WebhookNotFound
        secret = new_secret()
        now = utcnow()
        if self.grace > timedelta(0):
            endpoint.previous_secret_encrypted = endpoint.secret_encrypted
            endpoint.previous_secret_expires_at = now + self.grace
        else:
            endpoint.previous_secret_encrypted = endpoint.previous_secret_expires_at = None
        endpoint.secret_encrypted = self.box.seal(secret)
        endpoint.updated_at = now
        await self.webhooks.session.flush()
        await self.audit.record(
            AuditEventType.WEBHOOK_SECRET_ROTATED,
            actor_id=actor.id,
            details={"webhook_id": str(endpoint.id), "url": endpoint.url},
        )
        return endpoint, secret

    async def delete(self, endpoint_id: uuid.UUID, *, actor: User) -> None:
        """Its messages and delivery log go with it."""
        endpoint = await self.get(endpoint_id)
        details = _described(endpoint)
        await self.webhooks.delete(endpoint)
        await self.audit.record(AuditEventType.WEBHOOK_DELETED, actor_id=actor.id, details=details)

    async def messages(
        self, endpoint_id: uuid.UUID, *, status: str | None, limit: int, cursor: str | None
    ) -> tuple[list[WebhookMessage], str | None]:
        """Newest first, from `cursor` on; and the cursor of the next page, if any."""
        await self.get(endpoint_id)
        before = decode_cursor(cursor, (datetime, str)) if cursor else None
        page = await self.webhooks.messages(
            endpoint_id, status=status, limit=limit + 1, before=before
        )
        if len(page) <= limit:
            return page, None
        last = page[limit - 1]
        return page[:limit], encode_cursor((last.created_at, last.id))

    async def message(
        self, endpoint_id: uuid.UUID, message_id: str
    ) -> tuple[WebhookMessage, list[WebhookAttempt]]:
        """A message with its delivery log, oldest attempt first."""
        message = await self.webhooks.message(endpoint_id, message_id)
        if message is None:
            raise WebhookMessageNotFound
        return message, await self.webhooks.log(message.id)

    async def redeliver(
        self, endpoint_id: uuid.UUID, message_id: str, *, actor: User
    ) -> WebhookMessage:
        """Send a delivered or dead message again, with the same `webhook-id`."""
        message, _ = await self.message(endpoint_id, message_id)
        if message.status == "pending":
            raise MessageStillPending
        message.status = "pending"
        message.waiting = False
        await self.webhooks.session.flush()
        queue_delivery(self.webhooks.session, message.id)
        await self.audit.record(
            AuditEventType.WEBHOOK_MESSAGE_REDELIVERED,
            actor_id=actor.id,
            details={"webhook_id": str(endpoint_id), "message_id": message.id},
        )
        return message
