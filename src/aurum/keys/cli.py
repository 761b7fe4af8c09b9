"""`aurum keys`: rotate, list and retire the token signing keys."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, TypeVar

import typer

from aurum.config import get_settings
from aurum.db import migrate
from aurum.db.session import build_engine, build_sessionmaker
from aurum.errors import AppError
from aurum.keys.repository import SigningKeyRepository
from aurum.keys.rotation import KeyRotation
from aurum.models.signing_key import SigningKey
from aurum.security.keys import KeyStore

keys_app = typer.Typer(help="Token signing keys.", no_args_is_help=True)

T = TypeVar("T")


async def _with_rotation(action: Callable[[KeyRotation], Awaitable[T]]) -> T:
    settings = get_settings()
    if settings.migrate_on_start:
        await migrate.upgrade_database(settings)
    engine = build_engine(settings)
    try:
        sessionmaker = build_sessionmaker(engine)
        store = KeyStore(sessionmaker, settings.secret_key.get_secret_value())
        ttl = timedelta(minutes=settings.access_token_expire_minutes)
        async with sessionmaker.begin() as db:
            return await action(KeyRotation(SigningKeyRepository(db), store, ttl))
    finally:
        await engine.dispose()


def _run(action: Callable[[KeyRotation], Awaitable[T]]) -> T:
    try:
        return asyncio.run(_with_rotation(action))
    except AppError as exc:
        typer.echo(f"error: {exc.code}: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc


def _status(key: SigningKey) -> str:
    if key.retired_at is not None:
        return "retired"
    return "verifies" if key.superseded_at is not None else "signs"


@keys_app.command("rotate")
def rotate(
    algorithm: Annotated[
        str | None, typer.Option(help="EdDSA or ES256 (default: SIGNING_ALGORITHM).")
    ] = None,
) -> None:
    """Add a key that signs from now on; older keys verify until their tokens expire."""
    settings = get_settings()
    chosen = algorithm or settings.signing_algorithm
    if chosen not in {"EdDSA", "ES256"}:
        typer.echo("error: the algorithm must be EdDSA or ES256", err=True)
        raise typer.Exit(code=2)
    key, superseded = _run(lambda rotation: rotation.rotate(chosen))
    typer.echo(f"New signing key {key.kid} ({key.algorithm}).")
    for kid in superseded:
        typer.echo(f"{kid} now only verifies; it is retired once its tokens have expired.")


@keys_app.command("list")
def list_keys() -> None:
    """Every key: kid, algorithm, status (signs / verifies / retired), dates."""
    keys = _run(lambda rotation: rotation.list_keys())
    if not keys:
        typer.echo("No signing keys yet: the service creates one when it first starts.")
    for key in keys:
        dates = [f"created {key.created_at:%Y-%m-%d %H:%M:%S}Z"]
        if key.superseded_at is not None:
            dates.append(f"superseded {key.superseded_at:%Y-%m-%d %H:%M:%S}Z")
        if key.retired_at is not None:
            dates.append(f"retired {key.retired_at:%Y-%m-%d %H:%M:%S}Z")
        typer.echo(f"{key.kid}  {key.algorithm:<5}  {_status(key):<8}  {', '.join(dates)}")


@keys_app.command("retire")
def retire(
    kid: Annotated[
        str | None,
        typer.Argument(help="Retire this key now, even if its tokens have not expired."),
    ] = None,
) -> None:
    """Retire superseded keys whose tokens have expired (or one key now, by kid)."""
    if kid is None:
        retired = _run(lambda rotation: rotation.retire_expired())
        typer.echo("\n".join(f"Retired {k}." for k in retired) or "Nothing to retire.")
        return
    key = _run(lambda rotation: rotation.retire(kid))
    typer.echo(f"Retired {key.kid}; its tokens are refused within KEY_REFRESH_SECONDS.")
