"""All SQL about webhook endpoints, their messages and the delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from aurum.models.webhook import WebhookAttempt, WebhookEndpoint, WebhookMessage


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        self.session.add(endpoint)
        await self.session.flush()
        return endpoint

    async def get(
        self, endpoint_id: uuid.UUID, *, secrets: bool = False, lock: bool = False
    ) -> WebhookEndpoint | None:
        """`lock`: hold the endpoint's row until the transaction ends (PostgreSQL; SQLite
        transactions take the write lock anyway), so its deliveries change one at a time."""
        query = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
        if lock:
            query = query.with_for_update()
        if secrets:
            query = query.options(
                undefer(WebhookEndpoint.secret_encrypted),
                undefer(WebhookEndpoint.previous_secret_encrypted),
            )
        return await self.session.scalar(query)

    async def list_page(
        self, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> list[WebhookEndpoint]:
        """Oldest first, from the keyset position `after` on."""
        query = (
            select(WebhookEndpoint)
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(
                tuple_(WebhookEndpoint.created_at, WebhookEndpoint.id) > tuple_(*after)
            )
        return list(await self.session.scalars(query))

    async def delete(self, endpoint: WebhookEndpoint) -> None:
        """Its messages and their log go with it (foreign keys cascade)."""
        await self.session.delete(endpoint)
        await self.session.flush()

    async def messages(
        self,
        endpoint_id: uuid.UUID,
        *,
        status: str | None,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[WebhookMessage]:
        """Newest first, before the keyset position `before`."""
        query = (
            select(WebhookMessage)
            .where(WebhookMessage.endpoint_id == endpoint_id)
            .order_by(WebhookMessage.created_at.desc(), WebhookMessage.id.desc())
            .limit(limit)
        )
        if status is not None:
            query = query.where(WebhookMessage.status == status)
        if before is not None:
            query = query.where(
                tuple_(WebhookMessage.created_at, WebhookMessage.id) < tuple_(*before)
            )
        return list(await self.session.scalars(query))

    async def message(self, endpoint_id: uuid.UUID, message_id: str) -> WebhookMessage | None:
        return await self.session.scalar(
            select(WebhookMessage).where(
                WebhookMessage.id == message_id, WebhookMessage.endpoint_id == endpoint_id
            )
        )

    async def log(self, message_id: str) -> list[WebhookAttempt]:
        """A message's attempts, oldest first."""
        return list(
            await self.session.scalars(
                select(WebhookAttempt)
                .where(WebhookAttempt.message_id == message_id)
                .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
            )
        )

    async def endpoint_of(self, message_id: str) -> uuid.UUID | None:
        return await self.session.scalar(
            select(WebhookMessage.endpoint_id).where(WebhookMessage.id == message_id)
        )

    async def park(self, message_id: str) -> None:
        await self.session.execute(
            update(WebhookMessage).where(WebhookMessage.id == message_id).values(waiting=True)
        )

    async def unpark_next(self, endpoint_id: uuid.UUID) -> str | None:
        """The endpoint's oldest pending message, if it is parked: unparked, its id."""
        message = await self.session.scalar(
            select(WebhookMessage)
            .where(WebhookMessage.endpoint_id == endpoint_id, WebhookMessage.status == "pending")
            .order_by(WebhookMessage.created_at, WebhookMessage.id)
            .limit(1)
        )
        if message is None or not message.waiting:
            return None
        message.waiting = False
        await self.session.flush()
        return message.id

    async def waits_for_older(self, message: WebhookMessage) -> bool:
        """Whether an older message to the same endpoint is still to be delivered: messages
        go out in the order they were made, one endpoint at a time."""
        older = tuple_(WebhookMessage.created_at, WebhookMessage.id) < tuple_(
            message.created_at, message.id
        )
        query = select(
            exists().where(
                WebhookMessage.endpoint_id == message.endpoint_id,
                WebhookMessage.status == "pending",
                older,
            )
        )
        return bool(await self.session.scalar(query))

    async def record_attempt(self, attempt: WebhookAttempt, *, status: str) -> bool:
        """Log `attempt` and move its message to `status`, if it is still pending (False:
        it was not, and nothing is written)."""
        values: dict[str, object] = {
            "status": status,
            "attempts": WebhookMessage.attempts + 1,
            "waiting": False,
            "last_attempt_at": attempt.attempted_at,
        }
        if status == "delivered":
            values["delivered_at"] = attempt.attempted_at
        result = await self.session.execute(
            update(WebhookMessage)
            .where(WebhookMessage.id == attempt.message_id, WebhookMessage.status == "pending")
            .values(values)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        self.session.add(attempt)
        await self.session.flush()
        return True
