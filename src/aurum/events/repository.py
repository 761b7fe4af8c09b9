"""All SQL of publishing an event: who subscribes, and the messages it leaves for them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import cast as type_cast

from sqlalchemy import Table, Text, bindparam, cast, exists, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from aurum.db.reads import fetch_one
from aurum.models.webhook import WebhookEndpoint, WebhookMessage

_INSERT_MESSAGES = insert(type_cast("Table", WebhookMessage.__table__))


# Event types are stored as a JSON list; matching its text is portable, and a false match
# (`_` is a LIKE wildcard) only costs the caller the slower, transactional path.
_ANYONE_LISTENS = select(
    exists().where(
        WebhookEndpoint.enabled.is_(True),
        cast(WebhookEndpoint.event_types, Text).like(bindparam("pattern")),
    )
)


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def subscribers(self, event_type: str) -> list[uuid.UUID]:
        """The enabled endpoints that asked for `event_type`, oldest first."""
        rows = await self.session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.event_types)
            .where(WebhookEndpoint.enabled.is_(True))
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        )
        return [endpoint_id for endpoint_id, types in rows if event_type in types]

    async def add_messages(self, messages: Sequence[Mapping[str, object]]) -> None:
        await self.session.execute(_INSERT_MESSAGES, list(messages))


async def anyone_listens(engine: AsyncEngine, event_type: str) -> bool:
    """Whether an enabled endpoint may want `event_type`: one read on the autocommit engine."""
    row = await fetch_one(engine, _ANYONE_LISTENS, {"pattern": f'%"{event_type}"%'})
    return bool(row and row[0])
