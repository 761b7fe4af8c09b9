"""All SQL about users."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    Insert,
    Select,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import undefer

from aurum.audit.events import AuditEventType
from aurum.db.base import utcnow
from aurum.db.reads import execute, fetch_one
from aurum.models.audit_event import AuditEvent
from aurum.models.job import Job, JobStatus
from aurum.models.user import Role, User

# Registration: every column it sets, in statements built once per dialect.
PROFILE_COLUMNS = ("gender", "birth_date", "locale", "region_id", "province_id", "city_id")
_REGISTRATION_COLUMNS = (
    "id",
    "username",
    "email",
    "full_name",
    "password_hash",
    "disabled",
    "role",
    "password_changed_at",
    "created_at",
    "updated_at",
    "xp_total",
    *PROFILE_COLUMNS,
)
_USERS = cast("Table", User.__table__)


def _registration(insert: Any) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id, with `insert` of the dialect."""
    values = {name: bindparam(name, type_=_USERS.c[name].type) for name in _REGISTRATION_COLUMNS}
    statement: Insert = (
        insert(_USERS).values(values).on_conflict_do_nothing().returning(_USERS.c.id)
    )
    return statement


_REGISTER_PG = _registration(postgresql.insert)
_REGISTER_SQLITE = _registration(sqlite.insert)
_USERNAME_EXISTS = exists().where(func.lower(_USERS.c.username) == bindparam("username_key"))
_USERNAME_TAKEN = select(_USERNAME_EXISTS)
_PASSWORD_HASH = select(User.password_hash).where(User.id == bindparam("user_id"))

# A sign-up on PostgreSQL, in one statement that commits by itself: the account (unless a
# key is taken), its audit event, and which keys were taken. Every part reads the same
# snapshot, taken before the INSERT: a key taken by a concurrent sign-up that committed
# meanwhile is in neither EXISTS, and is answered as a taken username (no event).
_AUDIT_EVENTS = cast("Table", AuditEvent.__table__)
_CREATED = _REGISTER_PG.cte("created")
_NEW_ID = select(_CREATED.c.id).scalar_subquery()
_IS_NEW = exists(select(_CREATED.c.id))
_EMAIL_EXISTS = exists().where(_USERS.c.email == bindparam("email_key"))
_EVENT_VALUES = ("id", "occurred_at", "ip_address", "user_agent", "details")  # from `event`
_EVENT_ROW = {
    **{name: bindparam(f"a_{name}", type_=_AUDIT_EVENTS.c[name].type) for name in _EVENT_VALUES},
    "event_type": case(
        (_IS_NEW, str(AuditEventType.USER_REGISTERED)),
        else_=str(AuditEventType.REGISTRATION_CONFLICT),
    ),
    "actor_id": _NEW_ID,
    "subject_id": _NEW_ID,
}
# Written for a new account, and for a taken email (whose owner is told); not for a 409.
_EVENT = (
    insert(_AUDIT_EVENTS)
    .from_select(
        list(_EVENT_ROW),
        select(*_EVENT_ROW.values()).where(or_(_IS_NEW, and_(~_USERNAME_EXISTS, _EMAIL_EXISTS))),
    )
    .cte("event")
)
_REGISTER_ALONE = select(_NEW_ID, _USERNAME_EXISTS, _EMAIL_EXISTS).add_cte(_CREATED, _EVENT)
# With the email's job, written when the event is: the verification link for a new
# account, the notice to the owner of a taken email (both payloads sealed beforehand).
_JOBS = cast("Table", Job.__table__)
_JOB_ROW = {
    "id": bindparam("j_id", type_=_JOBS.c.id.type),
    "kind": bindparam("j_kind", type_=_JOBS.c.kind.type),
    "status": literal(JobStatus.QUEUED.value),
    "payload": case(
        (_IS_NEW, bindparam("j_created", type_=_JOBS.c.payload.type)),
        else_=bindparam("j_conflict", type_=_JOBS.c.payload.type),
    ),
    "attempts": literal(0),
    "run_at": bindparam("j_run_at", type_=_JOBS.c.run_at.type),
    "created_at": bindparam("j_run_at", type_=_JOBS.c.created_at.type),
}
_JOB = (
    insert(_JOBS)
    .from_select(
        list(_JOB_ROW),
        select(*_JOB_ROW.values()).where(or_(_IS_NEW, and_(~_USERNAME_EXISTS, _EMAIL_EXISTS))),
    )
    .cte("job")
)
_REGISTER_ALONE_WITH_MAIL = select(_NEW_ID, _USERNAME_EXISTS, _EMAIL_EXISTS).add_cte(
    _CREATED, _EVENT, _JOB
)


class Registration(NamedTuple):
    created: uuid.UUID | None  # the new account; None when a key was taken
    username_taken: bool  # refused (409); else a taken email, which is not told


def new_account(
    *,
    username: str,
    email: str,
    full_name: str | None,
    password_hash: str,
    profile: Mapping[str, object],
) -> dict[str, object]:
    """Every column a sign-up sets (profile columns not sent are NULL)."""
    if unknown := profile.keys() - set(PROFILE_COLUMNS):
        msg = f"not profile columns: {sorted(unknown)}"
        raise ValueError(msg)
    now = utcnow()
    return {
        "id": uuid.uuid4(),
        "username": username,
        "email": email,
        "full_name": full_name,
        "password_hash": password_hash,
        "disabled": False,
        "role": Role.USER,
        "password_changed_at": now,
        "created_at": now,
        "updated_at": now,
        "xp_total": 0,
        **{name: profile.get(name) for name in PROFILE_COLUMNS},
    }


async def register_alone(
    engine: AsyncEngine,
    account: Mapping[str, object],
    event: Mapping[str, object],
    mail: Mapping[str, object] | None = None,
) -> Registration:
    """PostgreSQL: a sign-up as one statement on the autocommit engine (no BEGIN and
    COMMIT around it). `event` gives the audit row's id, time, client and details; its
    type and account follow from the outcome. `mail` (`AccountNotices.registration_mail`)
    adds the email's job to the same statement."""
    values = {
        **account,
        "username_key": str(account["username"]).lower(),
        "email_key": account["email"],
        **{f"a_{name}": event[name] for name in _EVENT_VALUES},
        **{f"j_{name}": value for name, value in (mail or {}).items()},
    }
    statement = _REGISTER_ALONE if mail is None else _REGISTER_ALONE_WITH_MAIL
    row = await execute(engine, statement, values)
    assert row is not None  # noqa: S101 - a SELECT without FROM returns one row
    created, username_was_taken, email_was_taken = row
    refused = created is None and (username_was_taken or not email_was_taken)
    return Registration(created, refused)


class UserReads:
    """Reads outside the request's transaction, on the autocommit engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def password_hash(self, user_id: uuid.UUID) -> str | None:
        """The stored hash, so a password change checks the current password before its
        transaction begins."""
        row = await fetch_one(self.engine, _PASSWORD_HASH, {"user_id": user_id})
        return None if row is None else str(row[0])


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def get_by_username(self, username: str) -> User | None:
        return await self.session.scalar(
            select(User).where(func.lower(User.username) == username.lower())
        )

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email.lower()))

    async def get_with_password(self, user_id: uuid.UUID) -> User | None:
        return await self.session.scalar(
            select(User).where(User.id == user_id).options(undefer(User.password_hash))
        )

    async def username_exists(self, username: str, *, exclude: uuid.UUID | None = None) -> bool:
        query = select(User.id).where(func.lower(User.username) == username.lower())
        return await self._exists(query, exclude)

    async def email_exists(self, email: str, *, exclude: uuid.UUID | None = None) -> bool:
        return await self._exists(select(User.id).where(User.email == email.lower()), exclude)

    async def _exists(self, query: Select[uuid.UUID], exclude: uuid.UUID | None) -> bool:
        if exclude is not None:
            query = query.where(User.id != exclude)
        return await self.session.scalar(query.limit(1)) is not None

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def add_unless_taken(self, account: Mapping[str, object]) -> uuid.UUID | None:
        """INSERT ... ON CONFLICT DO NOTHING of a `new_account`: its id, or None when a
        unique key is taken. A taken key costs the same statement as a free one."""
        dialect = self.session.get_bind().dialect.name
        statement = _REGISTER_PG if dialect == "postgresql" else _REGISTER_SQLITE
        created: uuid.UUID | None = (await self.session.execute(statement, account)).scalar()
        return created

    async def username_taken(self, username: str) -> bool:
        """Whether an account (in any letter case) has this username."""
        key = {"username_key": username.lower()}
        return bool(await self.session.scalar(_USERNAME_TAKEN, key))

    async def delete(self, user: User) -> None:
        await self.session.delete(user)
        await self.session.flush()

    async def list_page(
        self,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> list[User]:
        """Oldest first. `after` (keyset) stays fast at any depth; `offset` does not."""
        query = select(User).order_by(User.created_at, User.id).limit(limit)
        if after is not None:
            created_at, user_id = after
            query = query.where(tuple_(User.created_at, User.id) > tuple_(created_at, user_id))
        if offset:
            query = query.offset(offset)
        return list(await self.session.scalars(query))
