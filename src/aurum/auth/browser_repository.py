"""SQL of browser sessions: opening one, and who is behind a cookie (one autocommit read)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from aurum.db.base import utcnow
from aurum.db.reads import fetch_one
from aurum.models.auth_session import AuthSession
from aurum.models.browser_session import BrowserSession
from aurum.models.user import User
from aurum.users.rows import USER_COLUMNS, detached_user

_LIVE: Select[Any] = (
    select(
        *(column for _, column in USER_COLUMNS),
        AuthSession.id,
        AuthSession.created_at,
        BrowserSession.amr,
    )
    .join_from(BrowserSession, AuthSession, AuthSession.id == BrowserSession.session_id)
    .join(User, User.id == AuthSession.user_id)
    .where(AuthSession.revoked_at.is_(None), AuthSession.expires_at > bindparam("now"))
)
_LIVE_COOKIE = _LIVE.where(BrowserSession.token_hash == bindparam("token_hash"))
_LIVE_SESSION = _LIVE.where(BrowserSession.session_id == bindparam("session_id"))


@dataclass(frozen=True, slots=True)
class LiveBrowserSession:
    user: User  # detached
    session_id: uuid.UUID
    auth_time: datetime
    amr: list[str]


def _amr(value: object) -> list[str]:
    """A JSON list of method names, decoded or not (the driver's raw path returns text)."""
    if isinstance(value, str):
        value = json.loads(value)
    return [str(method) for method in value] if isinstance(value, list) else []


def _live(row: Any) -> LiveBrowserSession:
    count = len(USER_COLUMNS)
    session_id, created_at, amr = row[count], row[count + 1], row[count + 2]
    return LiveBrowserSession(
        user=detached_user(USER_COLUMNS, row),
        session_id=session_id,
        auth_time=created_at,
        amr=_amr(amr),
    )


class BrowserSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(self, auth_session: AuthSession, token_hash: str, amr: list[str]) -> None:
        self.session.add(auth_session)
        await self.session.flush()
        self.session.add(BrowserSession(session_id=auth_session.id, token_hash=token_hash, amr=amr))
        await self.session.flush()

    async def get_live(self, session_id: uuid.UUID) -> LiveBrowserSession | None:
        """The browser session and its person, if it has not ended (one read)."""
        found = await self.session.execute(
            _LIVE_SESSION, {"session_id": session_id, "now": utcnow()}
        )
        row = found.one_or_none()
        return None if row is None else _live(row)


class BrowserCookieReads:
    """The hot read of every page a signed-in person opens."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def live(self, token_hash: str) -> LiveBrowserSession | None:
        row = await fetch_one(
            self.engine, _LIVE_COOKIE, {"token_hash": token_hash, "now": utcnow()}
        )
        return None if row is None else _live(row)
