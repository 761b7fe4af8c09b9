"""All SQL about OAuth clients and revoked service tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, delete, exists, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import aliased

from aurum.db.base import utcnow
from aurum.db.reads import fetch_one
from aurum.models.auth_session import AuthSession
from aurum.models.oauth_client import OAuthClient, TokenRevocation
from aurum.models.user import User

# Introspection statements, built once (building one costs more than running it). Only
# the columns introspection needs: no ORM objects on this hot path.
_OWNER = aliased(OAuthClient)
_CALLER_AND_SESSION = (
    select(OAuthClient.secret_hash, OAuthClient.disabled, User.id, User.username, User.disabled)
    .select_from(OAuthClient)
    .outerjoin(
        AuthSession,
        and_(AuthSession.id == bindparam("session_id"), AuthSession.revoked_at.is_(None)),
    )
    .outerjoin(User, User.id == AuthSession.user_id)
    .where(OAuthClient.client_id == bindparam("caller_id"))
)
_CALLER_AND_SERVICE_CLIENT = (
    select(OAuthClient.secret_hash, OAuthClient.disabled, _OWNER.id, _OWNER.scopes)
    .select_from(OAuthClient)
    .outerjoin(
        _OWNER,
        and_(
            _OWNER.client_id == bindparam("client_id"),
            _OWNER.disabled.is_(False),
            ~exists().where(TokenRevocation.jti == bindparam("jti")),
        ),
    )
    .where(OAuthClient.client_id == bindparam("caller_id"))
)


class ClientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, client_id: str) -> OAuthClient | None:
        return await self.session.scalar(
            select(OAuthClient).where(OAuthClient.client_id == client_id)
        )

    async def list_page(
        self, *, limit: int, offset: int = 0, after: tuple[datetime, uuid.UUID] | None = None
    ) -> list[OAuthClient]:
        """Oldest first; `after` (keyset) is the (created_at, id) of the last one seen."""
        query = (
            select(OAuthClient)
            .order_by(OAuthClient.created_at, OAuthClient.id)
            .limit(limit)
            .offset(offset)
        )
        if after is not None:
            query = query.where(tuple_(OAuthClient.created_at, OAuthClient.id) > tuple_(*after))
        return list(await self.session.scalars(query))

    async def id_token_algorithms(self) -> list[str]:
        """The ID-token algorithms clients chose (each needs its key chain)."""
        chosen = await self.session.scalars(
            select(OAuthClient.id_token_signed_response_alg)
            .where(OAuthClient.id_token_signed_response_alg.is_not(None))
            .distinct()
        )
        return sorted(alg for alg in chosen if alg is not None)

    async def add(self, client: OAuthClient) -> OAuthClient:
        self.session.add(client)
        await self.session.flush()
        return client

    async def delete(self, client: OAuthClient) -> None:
        await self.session.delete(client)
        await self.session.flush()

    async def revoke_sessions(self, client_id: str, reason: str) -> None:
        await self.session.execute(
            update(AuthSession)
            .where(AuthSession.client_id == client_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason)
            .execution_options(synchronize_session=False)
        )

    async def get_live_for_token(self, client_id: str, jti: str) -> OAuthClient | None:
        """The enabled client behind a service token, unless that token was revoked."""
        revoked = exists().where(TokenRevocation.jti == jti)
        return await self.session.scalar(
            select(OAuthClient).where(
                OAuthClient.client_id == client_id,
                OAuthClient.disabled.is_(False),
                ~revoked,
            )
        )

    async def revoke_token(self, jti: str, client_id: str, expires_at: datetime) -> bool:
        """Record a revoked service token (idempotent: False if it already was); forget
        those that expired anyway."""
        now = utcnow()
        await self.session.execute(delete(TokenRevocation).where(TokenRevocation.expires_at < now))
        values = {"jti": jti, "client_id": client_id, "expires_at": expires_at, "revoked_at": now}
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        result = await self.session.execute(
            insert(TokenRevocation).values(**values).on_conflict_do_nothing(index_elements=["jti"])
        )
        return bool(getattr(result, "rowcount", 0) == 1)


class CallerSecret(NamedTuple):
    """What authenticating a client needs of it."""

    secret_hash: str
    disabled: bool


class SessionHolder(NamedTuple):
    """The user of a live session."""

    user_id: uuid.UUID
    username: str
    disabled: bool


class IntrospectionReads:
    """One autocommit round trip per introspected access token: the caller, and whether
    what the token names is still live."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def caller_and_session(
        self, caller_id: str, session_id: uuid.UUID
    ) -> tuple[CallerSecret, SessionHolder | None] | None:
        values = {"caller_id": caller_id, "session_id": session_id}
        row = await fetch_one(self.engine, _CALLER_AND_SESSION, values)
        if row is None:
            return None
        holder = None if row[2] is None else SessionHolder(row[2], row[3], row[4])
        return CallerSecret(row[0], row[1]), holder

    async def caller_and_service_client(
        self, caller_id: str, client_id: str, jti: str
    ) -> tuple[CallerSecret, list[str] | None] | None:
        """The caller, and the scopes of the token's client while it is enabled and the
        token not revoked."""
        values = {"caller_id": caller_id, "client_id": client_id, "jti": jti}
        row = await fetch_one(self.engine, _CALLER_AND_SERVICE_CLIENT, values)
        if row is None:
            return None
        scopes: list[str] | None = None if row[2] is None else list(row[3])
        return CallerSecret(row[0], row[1]), scopes
