"""Publishing an event: one message per subscribed endpoint, in the caller's transaction.

Services call `publish` at the point of change, with the ids of what changed. The messages
are kept exactly when the change is: a rolled-back request leaves none.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from aurum.db.base import utcnow
from aurum.events.queue import queue_delivery
from aurum.events.repository import EventRepository
from aurum.events.types import EventType

DataValue = str | int | bool | uuid.UUID | list[str] | None
# Payloads name what changed; they never carry credentials. A key like one is a bug.
_SECRET_KEY = re.compile(r"password|passwd|secret|token|code|hash", re.IGNORECASE)


def new_message_id() -> str:
    """The `webhook-id`: the same on every attempt, so receivers can drop duplicates."""
    return f"msg_{uuid.uuid4().hex}"


def payload(event_type: EventType, data: Mapping[str, DataValue]) -> str:
    """The body receivers get: `{"type", "timestamp", "data"}` (Standard Webhooks)."""
    clean: dict[str, object] = {}
    for key, value in data.items():
        if _SECRET_KEY.search(key):
            msg = f"event data must not carry credentials: {key!r}"
            raise ValueError(msg)
        clean[key] = str(value) if isinstance(value, uuid.UUID) else value
    body = {
        "type": str(event_type),
        "timestamp": utcnow().isoformat().replace("+00:00", "Z"),
        "data": clean,
    }
    return json.dumps(body, separators=(",", ":"))


async def publish(session: AsyncSession, event_type: EventType, **data: DataValue) -> None:
    """Record `event_type` for every enabled endpoint subscribed to it."""
    events = EventRepository(session)
    endpoints = await events.subscribers(str(event_type))
    if not endpoints:
        return
    body = payload(event_type, data)
    now = utcnow()
    ids = [new_message_id() for _ in endpoints]
    await events.add_messages(
        [
            {
                "id": message_id,
                "endpoint_id": endpoint_id,
                "event_type": str(event_type),
                "payload": body,
                "status": "pending",
                "attempts": 0,
                "waiting": False,
                "created_at": now,
                "last_attempt_at": None,
                "delivered_at": None,
            }
            for message_id, endpoint_id in zip(ids, endpoints, strict=True)
        ]
    )
    for message_id in ids:
        queue_delivery(session, message_id)
