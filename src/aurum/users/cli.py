"""`aurum users`: the accounts, as the admin API shows them, and disabling one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, TypeVar

import typer

from aurum.audit.repository import AuditRepository
from aurum.audit.service import AuditLog
from aurum.command_jobs import bind_command_jobs
from aurum.config import get_settings
from aurum.console.options import Cursor, Json
from aurum.console.output import print_fields, print_json, print_table
from aurum.console.session import command_session
from aurum.models.user import User
from aurum.pagination import Page
from aurum.security.passwords import PasswordHasher
from aurum.session_store.repository import SessionRepository
from aurum.users.repository import UserRepository
from aurum.users.schemas import AdminUserUpdate, UserRead
from aurum.users.service import UserService

users_app = typer.Typer(help="User accounts.", no_args_is_help=True)

T = TypeVar("T")

Reference = Annotated[str, typer.Argument(metavar="USER", help="An id, username or email.")]


def _run(action: Callable[[UserService], Awaitable[T]]) -> T:
    async def run() -> T:
        settings = get_settings()
        passwords = PasswordHasher(settings)  # never started: no command here hashes
        try:
            prepare = partial(bind_command_jobs, settings=settings)
            async with command_session(settings, prepare) as db:
                audit = AuditLog(AuditRepository(db), client=None)  # the operator
                sessions = SessionRepository(db)
                users = UserService(UserRepository(db), sessions, passwords, settings, audit)
                return await action(users)
        finally:
            await passwords.close()

    return asyncio.run(run())


@users_app.command("list")
def list_users(
    limit: Annotated[int, typer.Option(min=1, max=100, help="Accounts per page.")] = 20,
    cursor: Cursor = None,
    as_json: Json = False,
) -> None:
    """Accounts, oldest first, a page at a time."""
    users, next_cursor = _run(lambda service: service.list_page(skip=0, limit=limit, cursor=cursor))
    if as_json:
        items = [UserRead.model_validate(user) for user in users]
        print_json(Page[UserRead](items=items, next_cursor=next_cursor))
        return
    if not users:
        typer.echo("No accounts." if cursor is None else "No more accounts.")
        return
    print_table(
        ["ID", "USERNAME", "EMAIL", "ROLE", "STATUS", "VERIFIED", "CREATED"],
        [
            [
                str(user.id),
                user.username,
                user.email,
                str(user.role),
                _status(user),
                user.email_verified_at is not None,
                user.created_at,
            ]
            for user in users
        ],
    )
    if next_cursor:
        typer.echo(f"\nNext page: aurum users list --limit {limit} --cursor {next_cursor}")


@users_app.command("show")
def show_user(reference: Reference, as_json: Json = False) -> None:
    """One account's full profile (never its password hash)."""
    user = UserRead.model_validate(_run(lambda service: service.find(reference)))
    if as_json:
        print_json(user)
        return
    print_fields(
        {
            "id": str(user.id),
            "username": user.username,
            "email": user.email,
            "email verified": user.email_verified_at,
            "full name": user.full_name,
            "role": str(user.role),
            "status": "disabled" if user.disabled else "enabled",
            "xp": user.xp_total,
            "level": user.level,
            "created": user.created_at,
            "updated": user.updated_at,
        }
    )


@users_app.command("disable")
def disable_user(reference: Reference) -> None:
    """Disable an account, as the admin API does.

    Its sessions end, and it can no longer sign in.
    """
    username, changed = _run(lambda service: _set_disabled(service, reference, disabled=True))
    if changed:
        typer.echo(f"Disabled {username}; every session of the account has ended.")
    else:
        typer.echo(f"{username} was already disabled.")


@users_app.command("enable")
def enable_user(reference: Reference) -> None:
    """Enable a disabled account, as the admin API does.

    It signs in anew: the sessions that ended stay ended.
    """
    username, changed = _run(lambda service: _set_disabled(service, reference, disabled=False))
    typer.echo(f"Enabled {username}." if changed else f"{username} was already enabled.")


async def _set_disabled(
    service: UserService, reference: str, *, disabled: bool
) -> tuple[str, bool]:
    """The admin API's change (PATCH /users/{username}), made by the operator."""
    user = await service.find(reference)
    changed = user.disabled != disabled
    await service.update(user, AdminUserUpdate(disabled=disabled), operator=True)
    return user.username, changed


def _status(user: User) -> str:
    return "disabled" if user.disabled else "enabled"
