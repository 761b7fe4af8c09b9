"""`aurum`: run the service and do what an operator would otherwise do by hand in SQL."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from aurum.bootstrap import create_admin as create_admin_account
from aurum.catalogs.loader import load_catalogs
from aurum.catalogs.schemas import LoadReport
from aurum.command_jobs import bind_command_jobs
from aurum.config import get_settings
from aurum.console.errors import OneLineErrors
from aurum.db import migrate
from aurum.db.session import build_engine, build_sessionmaker
from aurum.job_admin.cli import jobs_app
from aurum.keys.cli import keys_app
from aurum.logs.setup import configure_logging
from aurum.oauth.clients_cli import clients_app
from aurum.security.passwords import PasswordHasher
from aurum.server import CannotListen, ServerKind, check_addresses
from aurum.server import run as run_server
from aurum.users.cli import users_app

# Typer's plain help: its rich help labels every flag `<bool>`, as if it took a value.
app = typer.Typer(
    help="Aurum Identity.",
    cls=OneLineErrors,
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
catalogs_app = typer.Typer(help="Ecuador's geographic catalogs.", no_args_is_help=True)
app.add_typer(catalogs_app, name="catalogs")
app.add_typer(users_app, name="users")
app.add_typer(clients_app, name="clients")
app.add_typer(jobs_app, name="jobs")


@app.callback()
def check_settings() -> None:
    """Fail early, and readably, on invalid configuration."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            typer.echo(f"configuration error: {error['msg']}", err=True)
        raise typer.Exit(code=2) from exc
    if problem := database_url_problem(settings.async_database_url):
        typer.echo(f"configuration error: DATABASE_URL: {problem}", err=True)
        raise typer.Exit(code=2)


def database_url_problem(url: str) -> str | None:
    """What makes the URL unusable before any connection is tried, if anything."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "not a database URL"
    if parsed.drivername not in {"postgresql+asyncpg", "sqlite+aiosqlite"}:
        return "use a postgresql:// or sqlite:// URL"
    if parsed.drivername == "sqlite+aiosqlite":
        if parsed.database in {None, "", ":memory:"}:
            return "name a SQLite file (every connection would get its own in-memory database)"
        # SQLite creates the file, not its directory.
        directory = Path(parsed.database).parent
        if not directory.is_dir():
            return f"the directory of the SQLite file does not exist: {directory}"
    return None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
    server: Annotated[
        ServerKind, typer.Option(help="HTTP server (--reload always uses uvicorn).")
    ] = ServerKind.UVICORN,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Start the HTTP service.

    In development, ISSUER and PUBLIC_BASE_URL default to the address served.
    """
    try:
        check_addresses(host, port)
    except CannotListen as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    settings = get_settings()
    configure_logging(settings)
    if settings.migrate_on_start:
        # Once here, before any worker starts, so workers never race on the schema.
        asyncio.run(migrate.upgrade_database(settings))
    run_server(server, host=host, port=port, workers=workers, reload=reload, access_log=access_log)


@db_app.command("wait")
def db_wait(
    timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait at most.")] = 60,
) -> None:
    """Wait until the database accepts connections (for container start-up)."""
    if not asyncio.run(migrate.wait_for_database(get_settings(), timeout)):
        typer.echo("error: the database did not answer in time", err=True)
        raise typer.Exit(code=1)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    _migrate(migrate.upgrade_database(get_settings(), revision))


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()] = "-1") -> None:
    """Revert migrations down to REVISION (default: one step; `base` for all)."""
    _migrate(migrate.downgrade_database(get_settings(), revision))


def _migrate(migration: Coroutine[None, None, None]) -> None:
    from alembic.util import CommandError  # noqa: PLC0415 - only migration commands load it

    try:
        asyncio.run(migration)
    except CommandError as exc:  # an unknown revision, or one that is not on the way
        raise typer.BadParameter(str(exc), param_hint="'REVISION'") from exc


@db_app.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    typer.echo(asyncio.run(migrate.current_revision(get_settings())) or "(empty database)")


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(help="The administrator's username.")],
    email: Annotated[str, typer.Option(help="The administrator's email.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an administrator account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        msg = "no terminal to type the password at: pipe it in with --password-stdin"
        raise typer.BadParameter(msg, param_hint="'--password-stdin'")
    asyncio.run(_create_admin(username, email, password))
    typer.echo(f"Created administrator {username}.")


async def _create_admin(username: str, email: str, password: str) -> None:
    settings = get_settings()
    if settings.migrate_on_start:
        await migrate.upgrade_database(settings)
    engine = build_engine(settings)
    passwords = PasswordHasher(settings)
    sessionmaker = build_sessionmaker(engine)
    bind_command_jobs(sessionmaker, settings)  # `user.created` is queued for the service
    try:
        await create_admin_account(
            sessionmaker,
            passwords,
            settings,
            username=username,
            email=email,
            password=password,
        )
    finally:
        await passwords.close()
        await engine.dispose()


@catalogs_app.command("load")
def catalogs_load() -> None:
    """Load regions, provinces and cantons from the shipped INEC file (idempotent)."""
    report = asyncio.run(_load_catalogs())
    for table in report.inserted:
        typer.echo(
            f"{table}: {report.inserted[table]} inserted, {report.updated[table]} updated, "
            f"{report.unchanged[table]} unchanged"
        )


async def _load_catalogs() -> LoadReport:
    settings = get_settings()
    if settings.migrate_on_start:
        await migrate.upgrade_database(settings)
    engine = build_engine(settings)
    try:
        return await load_catalogs(build_sessionmaker(engine))
    finally:
        await engine.dispose()
