"""All SQL about sign-in sessions and their refresh tokens."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import (
    CTE,
    BindParameter,
    ColumnElement,
    Table,
    bindparam,
    exists,
    false,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from aurum.audit.repository import AuditRepository
from aurum.backchannel.notices import sessions_ended
from aurum.db.base import utcnow
from aurum.db.reads import DriverTransaction, execute
from aurum.models.audit_event import AuditEvent
from aurum.models.auth_session import AuthSession, RefreshToken
from aurum.models.user import User

# Statements of refresh-token rotation, built once: on this hot path, building and
# running them through the ORM's unit of work cost more than executing them.
_SESSIONS = cast("Table", AuthSession.__table__)
_REFRESH_TOKENS = cast("Table", RefreshToken.__table__)
_USERS = cast("Table", User.__table__)
_FIND_REFRESH_TOKEN = (
    select(RefreshToken, AuthSession, User)
    .join(AuthSession, RefreshToken.session_id == AuthSession.id)
    .join(User, AuthSession.user_id == User.id)
    .where(RefreshToken.token_hash == bindparam("token_hash"))
)
_INSERT_REFRESH_TOKEN = insert(_REFRESH_TOKENS)
_INSERT_SESSION = insert(_SESSIONS)

# The token's session can still be refreshed: not revoked, opened by the same client (or
# by none), not past its absolute or idle expiry, its user not disabled.
_SESSION_IS_LIVE = exists().where(
    _SESSIONS.c.id == _REFRESH_TOKENS.c.session_id,
    _SESSIONS.c.revoked_at.is_(None),
    _SESSIONS.c.client_id.is_not_distinct_from(bindparam("client")),
    _SESSIONS.c.expires_at > bindparam("now"),
    _SESSIONS.c.last_used_at > bindparam("idle_since"),
    exists().where(_USERS.c.id == _SESSIONS.c.user_id, _USERS.c.disabled == false()),
)
# The claim is conditional: of two requests with one token, exactly one sets used_at.
# Every check is part of it, so a refused token is left as it was.
_CLAIM_REFRESH_TOKEN = (
    update(_REFRESH_TOKENS)
    .where(
        _REFRESH_TOKENS.c.token_hash == bindparam("digest"),
        _REFRESH_TOKENS.c.used_at.is_(None),
        _SESSION_IS_LIVE,
    )
    .values(used_at=bindparam("now"))
    .returning(_REFRESH_TOKENS.c.session_id)
)
_TOUCH_SESSION = (
    update(_SESSIONS)
    .where(_SESSIONS.c.id == bindparam("session_id"))
    .values(last_used_at=bindparam("now"))
    .returning(_SESSIONS.c.user_id, _SESSIONS.c.scope)
)
# PostgreSQL runs the claim, the touch and the new token as one statement: the touch
# and the insert read the claim's output, so a refused claim changes nothing.
_CLAIMED = _CLAIM_REFRESH_TOKEN.cte("claimed")
_TOUCHED = (
    update(_SESSIONS)
    .where(_SESSIONS.c.id == _CLAIMED.c.session_id)
    .values(last_used_at=bindparam("now"))
    .returning(_SESSIONS.c.id, _SESSIONS.c.user_id, _SESSIONS.c.scope)
    .cte("touched")
)


def _token_of(session_id: ColumnElement[uuid.UUID], params: tuple[str, str, str], name: str) -> CTE:
    """A CTE inserting a refresh token for `session_id` (a column of an earlier CTE); its
    id, digest and creation time come from the statement's parameters `params`."""
    token_id, digest, created_at = params
    return (
        insert(_REFRESH_TOKENS)
        .from_select(
            ["id", "session_id", "token_hash", "created_at"],
            select(
                bindparam(token_id, type_=_REFRESH_TOKENS.c.id.type),
                session_id,
                bindparam(digest, type_=_REFRESH_TOKENS.c.token_hash.type),
                bindparam(created_at, type_=_REFRESH_TOKENS.c.created_at.type),
            ),
        )
        .cte(name)
    )


_ADDED = _token_of(_TOUCHED.c.id, ("new_id", "new_digest", "now"), "added")
_ROTATE_REFRESH_TOKEN = select(_TOUCHED.c.id, _TOUCHED.c.user_id, _TOUCHED.c.scope).add_cte(_ADDED)

_AUDIT_EVENTS = cast("Table", AuditEvent.__table__)


def _row_params(table: Table, prefix: str) -> dict[str, BindParameter[object]]:
    return {c.name: bindparam(prefix + c.name, type_=c.type) for c in table.c}


# A sign-in on PostgreSQL: the session, its first refresh token and the audit event in one
# statement (atomic on its own, so it needs no transaction around it).
_NEW_SESSION = insert(_SESSIONS).values(_row_params(_SESSIONS, "s_")).returning(_SESSIONS.c.id)
_OPENED = _NEW_SESSION.cte("opened")
_FIRST_TOKEN = _token_of(_OPENED.c.id, ("t_id", "t_token_hash", "t_created_at"), "first_token")
_OPEN_SESSION = (
    insert(_AUDIT_EVENTS).values(_row_params(_AUDIT_EVENTS, "a_")).add_cte(_OPENED, _FIRST_TOKEN)
)


def _open_session_params(
    auth_session: Mapping[str, object], token_hash: str, event: Mapping[str, object]
) -> dict[str, object]:
    params = {f"s_{name}": value for name, value in auth_session.items()}
    params |= {f"a_{name}": value for name, value in event.items()}
    params |= {
        "t_id": uuid.uuid4(),
        "t_token_hash": token_hash,
        "t_created_at": auth_session["created_at"],
    }
    return params


async def open_session_alone(
    engine: AsyncEngine,
    auth_session: Mapping[str, object],
    token_hash: str,
    event: Mapping[str, object],
) -> None:
    """PostgreSQL: `SessionRepository.open` as one statement on the autocommit engine, for a
    sign-in whose request writes nothing else (no BEGIN and COMMIT around it)."""
    await execute(engine, _OPEN_SESSION, _open_session_params(auth_session, token_hash, event))


class Rotated(NamedTuple):
    """The session a refresh token was rotated in, and what its access token carries."""

    session_id: uuid.UUID
    user_id: uuid.UUID
    scope: str | None


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, session_id: uuid.UUID) -> AuthSession | None:
        return await self.session.get(AuthSession, session_id)

    async def open(
        self, auth_session: Mapping[str, object], token_hash: str, event: Mapping[str, object]
    ) -> None:
        """A new session (every column), its first refresh token and the sign-in's event."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(
                _OPEN_SESSION, _open_session_params(auth_session, token_hash, event)
            )
            return
        await self.session.execute(_INSERT_SESSION, auth_session)
        await self.add_refresh_token(cast("uuid.UUID", auth_session["id"]), token_hash)
        await AuditRepository(self.session).add(event)

    async def add_refresh_token(self, session_id: uuid.UUID, token_hash: str) -> None:
        await self.session.execute(
            _INSERT_REFRESH_TOKEN, {"session_id": session_id, "token_hash": token_hash}
        )

    async def find_refresh_token(
        self, token_hash: str
    ) -> tuple[RefreshToken, AuthSession, User] | None:
        row = (
            await self.session.execute(_FIND_REFRESH_TOKEN, {"token_hash": token_hash})
        ).one_or_none()
        return None if row is None else (row[0], row[1], row[2])

    async def rotate_refresh_token(
        self,
        token_hash: str,
        new_token_hash: str,
        now: datetime,
        *,
        client_id: str | None,
        idle_since: datetime,
        transaction: DriverTransaction | None = None,
    ) -> Rotated | None:
        """Mark the token used and store its successor, if it is unused and its session
        can be refreshed by `client_id` (idle since `idle_since` at most); else None.

        PostgreSQL runs it as one statement: in `transaction` (asyncpg's own) when given,
        else in the request's."""
        params = {
            "digest": token_hash,
            "now": now,
            "client": client_id,
            "idle_since": idle_since,
            "new_id": uuid.uuid4(),
            "new_digest": new_token_hash,
        }
        if transaction is not None:
            row = await transaction.fetch_one(_ROTATE_REFRESH_TOKEN, params)
            return None if row is None else Rotated(*row)
        if self.session.get_bind().dialect.name == "postgresql":
            row = (await self.session.execute(_ROTATE_REFRESH_TOKEN, params)).one_or_none()
            return None if row is None else Rotated(*row)
        session_id = (await self.session.execute(_CLAIM_REFRESH_TOKEN, params)).scalar()
        if session_id is None:
            return None
        touch = {"session_id": session_id, "now": now}
        user_id, scope = (await self.session.execute(_TOUCH_SESSION, touch)).one()
        await self.add_refresh_token(session_id, new_token_hash)
        return Rotated(session_id, user_id, scope)

    async def revoke(self, session_id: uuid.UUID, reason: str) -> bool:
        """End one session; apps it signed the person in to are told (back-channel)."""
        result = await self.session.execute(
            update(AuthSession)
            .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            return False
        await sessions_ended(self.session, [session_id])
        return True

    async def revoke_all_for_user(
        self, user_id: uuid.UUID, reason: str, *, keep: uuid.UUID | None = None
    ) -> int:
        """End every live session of the user (but `keep`); how many ended. Apps they
        signed the person in to are told (back-channel)."""
        query = (
            update(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason)
            .returning(AuthSession.id)
            .execution_options(synchronize_session=False)
        )
        if keep is not None:
            query = query.where(AuthSession.id != keep)
        ended = list(await self.session.scalars(query))
        await sessions_ended(self.session, ended)
        return len(ended)
