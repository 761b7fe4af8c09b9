"""The audit log: what happened, who did it, to whom, from where. Never commits.

Events are written in the caller's transaction, so they are kept exactly when what they
describe is kept. Errors that must leave a trace (a failed sign-in) set `commit_changes`.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from aurum.audit.events import AuditEventType
from aurum.audit.repository import AuditFilter, AuditRepository
from aurum.client_info import ClientInfo
from aurum.db.base import utcnow
from aurum.models.audit_event import AuditEvent
from aurum.pagination import InvalidCursor

DetailValue = str | int | bool | None
# Details describe an event; they never carry credentials. Keys that look like one are a bug.
_SECRET_KEY = re.compile(r"password|passwd|secret|token|recovery", re.IGNORECASE)
_MAX_DETAIL_LENGTH = 200


def encode_cursor(event: AuditEvent) -> str:
    raw = json.dumps([event.occurred_at.isoformat(), event.id.hex]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        occurred_at, event_id = json.loads(raw)
        moment = datetime.fromisoformat(occurred_at)
        if moment.tzinfo is None:
            raise InvalidCursor
        moment = moment.astimezone(UTC)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InvalidCursor from exc
    try:
        return moment, uuid.UUID(event_id)
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidCursor from exc


class AuditLog:
    """Records security events for one request (its client address and user agent)."""

    def __init__(self, events: AuditRepository, client: ClientInfo | None) -> None:
        self.events = events
        self.client = client

    async def record(
        self,
        event_type: AuditEventType | str,
        *,
        actor_id: uuid.UUID | None = None,
        subject_id: uuid.UUID | None = None,
        details: Mapping[str, DetailValue] | None = None,
    ) -> None:
        """Add one event. `actor_id` did it; `subject_id` is the account it concerns."""
        await self.events.add(
            self.entry(event_type, actor_id=actor_id, subject_id=subject_id, details=details)
        )

    def entry(
        self,
        event_type: AuditEventType | str,
        *,
        actor_id: uuid.UUID | None = None,
        subject_id: uuid.UUID | None = None,
        details: Mapping[str, DetailValue] | None = None,
    ) -> dict[str, object]:
        """The row of one event, for a statement that writes it along with what it
        describes (every column, so a statement built once can take it)."""
        return {
            "id": uuid.uuid4(),
            "occurred_at": utcnow(),
            "event_type": str(event_type),
            "actor_id": actor_id,
            "subject_id": subject_id,
            "ip_address": self.client.ip_address if self.client else None,
            "user_agent": ((self.client.user_agent or "")[:512] or None) if self.client else None,
            "details": _clean(details or {}),
        }

    async def list_page(
        self, where: AuditFilter, *, limit: int, cursor: str | None
    ) -> tuple[list[AuditEvent], str | None]:
        before = decode_cursor(cursor) if cursor else None
        page = await self.events.list_page(where, limit=limit + 1, before=before)
        has_more = len(page) > limit
        page = page[:limit]
        return page, encode_cursor(page[-1]) if has_more and page else None


def _clean(details: Mapping[str, DetailValue]) -> dict[str, DetailValue]:
    clean: dict[str, DetailValue] = {}
    for key, value in details.items():
        if _SECRET_KEY.search(key):
            msg = f"audit details must not carry credentials: {key!r}"
            raise ValueError(msg)
        clean[key] = value[:_MAX_DETAIL_LENGTH] if isinstance(value, str) else value
    return clean
