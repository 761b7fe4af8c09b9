from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base, Timestamps, UUIDPrimaryKey, utcnow


class WebhookEndpoint(UUIDPrimaryKey, Timestamps, Base):
    """Where events are sent: a URL, the event types it wants, and its signing secret."""

    __tablename__ = "webhook_endpoints"

    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(String(500), default="")
    event_types: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(default=True)
    # The `whsec_` secret, encrypted with a key derived from SECRET_KEY: signing needs the
    # secret itself, so it cannot be stored as a hash.
    secret_encrypted: Mapped[str] = mapped_column(Text, deferred=True, deferred_raiseload=True)
    # After a rotation the old secret signs alongside the new one until it expires.
    previous_secret_encrypted: Mapped[str | None] = mapped_column(
        Text, deferred=True, deferred_raiseload=True
    )
    previous_secret_expires_at: Mapped[datetime | None]


class WebhookMessage(Base):
    """One event for one endpoint; its id is the `webhook-id` every attempt carries."""

    __tablename__ = "webhook_messages"
    __table_args__ = (
        Index("ix_webhook_messages_endpoint_order", "endpoint_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # the exact JSON body that is signed and sent
    # pending (to be sent), delivered, or dead (a permanent failure; can be redelivered)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    # Parked behind an older pending message to the same endpoint: that one's final
    # attempt (delivered or dead) queues this one's delivery again.
    waiting: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class WebhookAttempt(UUIDPrimaryKey, Base):
    """One try at sending a message: the delivery log."""

    __tablename__ = "webhook_attempts"

    message_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_messages.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]  # None: no answer (refused, timed out)
    duration_ms: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(16))  # delivered, retry or dead
    error: Mapped[str | None] = mapped_column(String(200))
