"""Start-up tasks shared by the service and the CLI."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.audit.repository import AuditRepository
from aurum.audit.service import AuditLog
from aurum.config import Settings
from aurum.errors import AppError
from aurum.models.user import Role
from aurum.security.passwords import PasswordHasher
from aurum.session_store.repository import SessionRepository
from aurum.users.repository import UserRepository
from aurum.users.schemas import AdminUserCreate
from aurum.users.service import UserService

logger = logging.getLogger(__name__)


async def create_admin(
    sessionmaker: async_sessionmaker[AsyncSession],
    passwords: PasswordHasher,
    settings: Settings,
    *,
    username: str,
    email: str,
    password: str,
) -> None:
    data = AdminUserCreate(username=username, email=email, password=password, role=Role.ADMIN)
    async with sessionmaker.begin() as db:
        audit = AuditLog(AuditRepository(db), client=None)  # the operator, not a request
        service = UserService(UserRepository(db), SessionRepository(db), passwords, settings, audit)
        await service.create(data)


async def ensure_first_admin(
    sessionmaker: async_sessionmaker[AsyncSession],
    passwords: PasswordHasher,
    settings: Settings,
) -> None:
    """Create FIRST_ADMIN_* once; an existing account of that name is left alone."""
    username, email = settings.first_admin_username, settings.first_admin_email
    if not (username and email and settings.first_admin_password):
        return
    async with sessionmaker() as db:
        if await UserRepository(db).get_by_username(username) is not None:
            return
    try:
        await create_admin(
            sessionmaker,
            passwords,
            settings,
            username=username,
            email=email,
            password=settings.first_admin_password.get_secret_value(),
        )
    except AppError as exc:  # another instance created it first, or the email is taken
        logger.warning("first admin not created: %s", exc.code)
    else:
        logger.info("created the first administrator %r", username)
