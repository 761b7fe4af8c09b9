"""Account rules: sign-up, profile, password, listing and deletion. Never commits."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from aurum.account_mail.notices import AccountNotices
from aurum.audit.events import AuditEventType
from aurum.audit.service import AuditLog
from aurum.catalogs.locations import LOCATION_FIELDS, Location, LocationResolver
from aurum.catalogs.repository import CatalogRepository
from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.errors import AppError, Forbidden
from aurum.events.publish import publish
from aurum.events.repository import anyone_listens
from aurum.events.types import EventType
from aurum.metrics.instruments import instruments
from aurum.models.user import Role, User
from aurum.pagination import InvalidCursor
from aurum.security.passwords import PasswordHasher
from aurum.session_store.repository import SessionRepository
from aurum.users.errors import (
    CannotDeleteSelf,
    EmailTaken,
    PasswordRequired,
    UsernameTaken,
    UserNotFound,
    WrongPassword,
)
from aurum.users.password_rules import check_password
from aurum.users.repository import (
    Registration,
    UserReads,
    UserRepository,
    new_account,
    register_alone,
)
from aurum.users.schemas import AdminUserCreate, AdminUserUpdate, UserCreate, UserUpdate

# Sent as null, these are cleared; other fields sent as null are left as they are.
NULLABLE_FIELDS = frozenset({"full_name", "gender", "birth_date", "locale", *LOCATION_FIELDS})


def encode_cursor(user: User) -> str:
    raw = json.dumps([user.created_at.isoformat(), user.id.hex]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, user_id = json.loads(raw)
        return datetime.fromisoformat(created_at), uuid.UUID(user_id)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor from exc


def _count_sign_up(outcome: str) -> None:
    instruments().sign_ups.labels(outcome).inc()


def _is_uuid(value: str) -> bool:
    """The canonical form only: 32 hex digits alone are also a valid username."""
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


class UserService:
    def __init__(
        self,
        users: UserRepository,
        sessions: SessionRepository,
        passwords: PasswordHasher,
        settings: Settings,
        audit: AuditLog,
        notices: AccountNotices | None = None,
        reads: UserReads | None = None,
        autocommit: AsyncEngine | None = None,
    ) -> None:
        self.users = users
        self.reads = reads  # outside the request's transaction (None in the CLI)
        self.autocommit = autocommit  # statements that commit by themselves (sign-up)
        self.sessions = sessions
        self.passwords = passwords
        self.settings = settings
        self.audit = audit
        self.notices = notices  # None: no emails (start-up tasks, the CLI)
        self.locations = LocationResolver(CatalogRepository(users.session))

    def check_password_rules(
        self, password: str, *, username: str | None = None, email: str | None = None
    ) -> None:
        """Length, the common-password list, and not built on the account's own names.

        Pass the account's username and email wherever they are known."""
        check_password(
            password,
            min_length=self.settings.password_min_length,
            max_length=self.settings.password_max_length,
            username=username,
            email=email,
        )

    async def register(self, data: UserCreate) -> None:
        """Sign up. Whether the email was taken is not revealed: its owner is told instead.

        Both outcomes do the same work, so they also take the same time: one password hash,
        the same statements (an INSERT that skips a taken key without an error, the check of
        the username, one audit event) and one email queued. Usernames are public, so a
        taken one is still a 409. On PostgreSQL the statements are one, which commits by
        itself, the email's job included.
        """
        try:
            self.check_password_rules(data.password, username=data.username, email=data.email)
        except AppError:
            _count_sign_up("weak_password")
            raise
        # Hashed first, so the request's transaction (and, on SQLite, the write lock) is
        # not held for the tens of milliseconds a hash takes.
        password_hash = await self.passwords.hash(data.password)
        location = await self.locations.resolve(
            Location(), data.model_dump(include=set(LOCATION_FIELDS), exclude_unset=True)
        )
        account = new_account(
            username=data.username,
            email=data.email,
            full_name=data.full_name,
            password_hash=password_hash,
            profile={
                "gender": data.gender,
                "birth_date": data.birth_date,
                "locale": data.locale,
                **asdict(location),
            },
        )
        if await self._register_alone():
            assert self.autocommit is not None  # noqa: S101 - checked by _register_alone
            # The account, its audit event and its email's job: one statement, one commit.
            mail = (
                self.notices.registration_mail(cast("uuid.UUID", account["id"]), data.email)
                if self.notices is not None
                else None
            )
            outcome = await register_alone(
                self.autocommit, account, self.audit.entry(AuditEventType.USER_REGISTERED), mail
            )
            if outcome.username_taken:
                _count_sign_up("username_taken")
                raise UsernameTaken
            _count_sign_up("email_taken" if outcome.created is None else "created")
            if self.notices is not None:
                self.notices.registration_written()
            return
        outcome = await self._register(account)
        if outcome.username_taken:
            _count_sign_up("username_taken")
            raise UsernameTaken
        created = outcome.created
        _count_sign_up("email_taken" if created is None else "created")
        if self.notices is None:
            return
        if created is None:
            self.notices.registration_conflict(data.email)
        else:
            self.notices.account_created(created)

    async def _register_alone(self) -> bool:
        """PostgreSQL's one-statement sign-up, unless an endpoint wants `user.created`: that
        event is written in the same transaction as the account, which takes the other path."""
        if self.autocommit is None or self.autocommit.dialect.name != "postgresql":
            return False
        return not await anyone_listens(self.autocommit, EventType.USER_CREATED)

    async def _register(self, account: Mapping[str, object]) -> Registration:
        """A sign-up in the request's transaction: the same statements on both paths."""
        created = await self.users.add_unless_taken(account)
        # On both paths (for a new account, its own row), so both do the same work.
        username_taken = await self.users.username_taken(str(account["username"]))
        if created is None and username_taken:
            return Registration(None, username_taken=True)
        await self.audit.record(
            AuditEventType.USER_REGISTERED if created else AuditEventType.REGISTRATION_CONFLICT,
            actor_id=created,
            subject_id=created,
        )
        if created is not None:
            await publish(self.users.session, EventType.USER_CREATED, user_id=created)
        return Registration(created, username_taken=False)

    async def create(self, data: AdminUserCreate, *, actor: User | None = None) -> User:
        """An account made by an administrator (`actor`), or by the operator's CLI (None)."""
        user = await self._create(data, role=data.role, disabled=data.disabled)
        await self.audit.record(
            AuditEventType.USER_CREATED,
            actor_id=actor.id if actor else None,
            subject_id=user.id,
            details={"role": str(user.role), "disabled": user.disabled},
        )
        await publish(self.users.session, EventType.USER_CREATED, user_id=user.id)
        if self.notices is not None:
            self.notices.account_created(user.id)
        return user

    async def _create(self, data: UserCreate, *, role: Role, disabled: bool) -> User:
        self.check_password_rules(data.password, username=data.username, email=data.email)
        # Hashed before the first statement opens the request's transaction.
        password_hash = await self.passwords.hash(data.password)
        await self._check_available(username=data.username, email=data.email)
        location = await self.locations.resolve(
            Location(), data.model_dump(include=set(LOCATION_FIELDS), exclude_unset=True)
        )
        user = User(
            username=data.username,
            email=data.email,
            full_name=data.full_name,
            password_hash=password_hash,
            role=role,
            disabled=disabled,
            gender=data.gender,
            birth_date=data.birth_date,
            locale=data.locale,
            **asdict(location),
        )
        return await self._save(user)

    async def update(
        self, user: User, data: UserUpdate, *, actor: User | None = None, operator: bool = False
    ) -> User:
        """Change a profile: your own (`actor` None), anyone's by an administrator, or by
        the operator's CLI (`operator`: no account is the actor)."""
        changes = data.model_dump(exclude_unset=True)
        await self._check_available(
            username=changes.get("username"), email=changes.get("email"), exclude=user.id
        )
        if isinstance(data, AdminUserUpdate) and data.disabled and not user.disabled:
            await self.sessions.revoke_all_for_user(user.id, "user_disabled")
        old_email = user.email
        current = Location(user.region_id, user.province_id, user.city_id)
        sent = {field: changes.pop(field) for field in LOCATION_FIELDS if field in changes}
        changes |= asdict(await self.locations.resolve(current, sent))
        await self._record_update(user, changes, None if operator else (actor or user).id)
        for field, value in changes.items():
            if value is not None or field in NULLABLE_FIELDS:
                setattr(user, field, value)
        if user.email != old_email:
            user.email_verified_at = None  # the new address has to be confirmed
        user.updated_at = utcnow()
        saved = await self._save(user)
        if user.email != old_email and self.notices is not None:
            self.notices.email_changed(user, old_email)
        return saved

    async def _record_update(
        self, user: User, changes: dict[str, object], actor_id: uuid.UUID | None
    ) -> None:
        changed = sorted(
            field
            for field, value in changes.items()
            if (value is not None or field == "full_name") and getattr(user, field) != value
        )
        record = self.audit.record
        if "role" in changed:
            details = {"from": str(user.role), "to": str(changes["role"])}
            await record(
                AuditEventType.ROLE_CHANGED, actor_id=actor_id, subject_id=user.id, details=details
            )
        if "disabled" in changed:
            event = (
                AuditEventType.USER_DISABLED if changes["disabled"] else AuditEventType.USER_ENABLED
            )
            await record(event, actor_id=actor_id, subject_id=user.id)
        if "email" in changed:
            # Addresses are not secrets, and restoring a taken-over account needs the old one.
            details = {"from": user.email, "to": str(changes["email"])}
            await record(
                AuditEventType.EMAIL_CHANGED, actor_id=actor_id, subject_id=user.id, details=details
            )
        profile = [field for field in changed if field not in {"role", "disabled", "email"}]
        if profile:
            details = {"fields": ",".join(profile)}
            await record(
                AuditEventType.USER_UPDATED, actor_id=actor_id, subject_id=user.id, details=details
            )
        await self._publish_update(user.id, changes, changed)

    async def _publish_update(
        self, user_id: uuid.UUID, changes: dict[str, object], changed: list[str]
    ) -> None:
        session = self.users.session
        if "disabled" in changed:
            disabled = bool(changes["disabled"])
            event = EventType.USER_DISABLED if disabled else EventType.USER_ENABLED
            await publish(session, event, user_id=user_id)
        fields = [field for field in changed if field != "disabled"]
        if fields:
            await publish(session, EventType.USER_UPDATED, user_id=user_id, fields=fields)

    async def change_password(
        self, user: User, old_password: str, new_password: str, *, current_session: uuid.UUID | None
    ) -> None:
        # Both hashes run before the request's transaction begins (on SQLite it would hold
        # the write lock through them): the stored hash is read on its own.
        stored_hash = await self._stored_hash(user.id)
        if stored_hash is None:
            raise UserNotFound
        if not (await self.passwords.verify(old_password, stored_hash)).valid:
            raise WrongPassword
        self.check_password_rules(new_password, username=user.username, email=user.email)
        new_hash = await self.passwords.hash(new_password)
        stored = await self.users.get_with_password(user.id)
        if stored is None or stored.password_hash != stored_hash:
            raise WrongPassword  # deleted, or its password changed meanwhile: try again
        stored.password_hash = new_hash
        stored.password_changed_at = stored.updated_at = utcnow()
        await self.users.session.flush()
        await self.sessions.revoke_all_for_user(user.id, "password_changed", keep=current_session)
        await self.audit.record(
            AuditEventType.PASSWORD_CHANGED, actor_id=user.id, subject_id=user.id
        )

    async def _stored_hash(self, user_id: uuid.UUID) -> str | None:
        if self.reads is None:  # the CLI: no request transaction to keep short
            stored = await self.users.get_with_password(user_id)
            return None if stored is None else stored.password_hash
        return await self.reads.password_hash(user_id)

    async def get(self, username: str) -> User:
        user = await self.users.get_by_username(username)
        if user is None:
            raise UserNotFound
        return user

    async def find(self, reference: str) -> User:
        """By id, email or username (the operator's CLI takes any of them)."""
        user: User | None
        if _is_uuid(reference):
            user = await self.users.get(uuid.UUID(reference))
        elif "@" in reference:  # never in a username
            user = await self.users.get_by_email(reference)
        else:
            user = await self.users.get_by_username(reference)
        if user is None:
            raise UserNotFound
        return user

    async def list_page(
        self, *, skip: int, limit: int, cursor: str | None
    ) -> tuple[list[User], str | None]:
        after = decode_cursor(cursor) if cursor else None
        page = await self.users.list_page(limit=limit + 1, offset=skip, after=after)
        has_more = len(page) > limit
        page = page[:limit]
        return page, encode_cursor(page[-1]) if has_more and page else None

    async def delete(self, actor: User, username: str, password: str | None) -> None:
        target = await self.get(username)
        if target.id == actor.id:
            if actor.is_admin:
                raise CannotDeleteSelf
            if password is None:
                raise PasswordRequired
            stored = await self.users.get_with_password(actor.id)
            if (
                stored is None
                or not (await self.passwords.verify(password, stored.password_hash)).valid
            ):
                raise WrongPassword
        elif not actor.is_admin:
            raise Forbidden
        await self.users.delete(target)
        await self.audit.record(
            AuditEventType.USER_DELETED,
            actor_id=actor.id,
            subject_id=target.id,
            details={"username": target.username},
        )
        await publish(self.users.session, EventType.USER_DELETED, user_id=target.id)

    async def _check_available(
        self, *, username: str | None, email: str | None, exclude: uuid.UUID | None = None
    ) -> None:
        if username is not None and await self.users.username_exists(username, exclude=exclude):
            raise UsernameTaken
        if email is not None and await self.users.email_exists(email, exclude=exclude):
            raise EmailTaken

    async def _save(self, user: User) -> User:
        """Flush, turning a lost uniqueness race into the same 409 as the pre-check."""
        try:
            async with self.users.session.begin_nested():
                return await self.users.add(user)
        except IntegrityError as exc:
            text = str(exc.orig).lower()
            raise (EmailTaken if "email" in text else UsernameTaken) from exc
