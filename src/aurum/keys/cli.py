"""`aurum keys`: rotate, list and retire the token signing keys."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, TypeVar

import typer

from aurum.config import get_settings
from aurum.db import migrate
from aurum.db.base import utcnow
from aurum.db.session import build_engine, build_sessionmaker
from aurum.keys.errors import NextSigningKey, SigningKeyInUse
from aurum.keys.repository import SigningKeyRepository
from aurum.keys.rotation import KeyRotation, default_handover
from aurum.models.signing_key import SigningKey
from aurum.security.keys import ALGORITHMS, KeyStore

keys_app = typer.Typer(help="Token signing keys.", no_args_is_help=True)

T = TypeVar("T")
# RFC 7638 thumbprints are 43 characters; the column holds 64.
KID = re.compile(r"[A-Za-z0-9_-]{1,64}")


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
            keys = SigningKeyRepository(db)
            return await action(KeyRotation(keys, store, ttl, default_handover(settings)))
    finally:
        await engine.dispose()


def _run(action: Callable[[KeyRotation], Awaitable[T]]) -> T:
    return asyncio.run(_with_rotation(action))


def _signers(keys: list[SigningKey], now: datetime) -> set[str]:
    """The kid that signs now in each chain (one chain per algorithm), as the service picks."""
    signers: dict[str, str] = {}
    for key in reversed(keys):  # the oldest live key not yet superseded wins
        if key.retired_at is None and (key.superseded_at is None or key.superseded_at > now):
            signers[key.algorithm] = key.kid
    return set(signers.values())


def _status(key: SigningKey, signers: set[str], now: datetime) -> str:
    if key.retired_at is not None:
        return "retired"
    if key.kid in signers:
        return "signs"
    if key.superseded_at is None or key.superseded_at > now:
        return "next"  # signs once the current key's hand-over time has passed
    return "verifies"


@keys_app.command("rotate")
def rotate(
    algorithm: Annotated[
        str | None,
        typer.Option(
            help="The chain to rotate: EdDSA, Ed25519, ES256 or RS256 (default: "
            "SIGNING_ALGORITHM, the access-token chain). Other chains keep their signing key."
        ),
    ] = None,
    handover_seconds: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Seconds until the new key signs (default: KEY_REFRESH_SECONDS + 10, so "
            "every instance has loaded it first). 0 on a single instance.",
        ),
    ] = None,
) -> None:
    """Add a key that signs after a hand-over; older keys verify until their tokens expire."""
    settings = get_settings()
    chosen = algorithm or settings.signing_algorithm
    if chosen not in ALGORITHMS:
        typer.echo("error: the algorithm must be EdDSA, Ed25519, ES256 or RS256", err=True)
        raise typer.Exit(code=2)
    handover = (
        default_handover(settings)
        if handover_seconds is None
        else timedelta(seconds=handover_seconds)
    )
    key, superseded = _run(lambda rotation: rotation.rotate(chosen, handover))
    typer.echo(f"New signing key {key.kid} ({key.algorithm}), published now.")
    for kid in superseded:
        typer.echo(
            f"{kid} signs for {int(handover.total_seconds())} more seconds, then only "
            "verifies; it is retired once its tokens have expired."
        )


@keys_app.command("list")
def list_keys() -> None:
    """Every key: kid, algorithm, status in its chain (signs / next / verifies / retired)."""
    keys = _run(lambda rotation: rotation.list_keys())
    if not keys:
        typer.echo("No signing keys yet: the service creates one per chain when it first starts.")
    now = utcnow()
    signers = _signers(keys, now)
    for key in keys:
        dates = [f"created {key.created_at:%Y-%m-%d %H:%M:%S}Z"]
        if key.superseded_at is not None:
            dates.append(f"superseded {key.superseded_at:%Y-%m-%d %H:%M:%S}Z")
        if key.retired_at is not None:
            dates.append(f"retired {key.retired_at:%Y-%m-%d %H:%M:%S}Z")
        status = _status(key, signers, now)
        typer.echo(f"{key.kid}  {key.algorithm:<7}  {status:<8}  {', '.join(dates)}")


# A kid is a base64url thumbprint and may begin with "-": taken as the argument, not as
# an unknown option.
@keys_app.command("retire", context_settings={"ignore_unknown_options": True})
def retire(
    kid: Annotated[
        str | None,
        typer.Argument(
            metavar="KID", help="Retire this key now, even if its tokens have not expired."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Retire KID even if it signs, may still sign on an instance that has not "
            "reloaded the keys, or is the next to sign, in its algorithm's chain.",
        ),
    ] = False,
) -> None:
    """Retire superseded keys whose tokens have expired (or one key now, by kid)."""
    if kid is None:
        if force:
            raise typer.BadParameter("--force goes with a KID", param_hint="'--force'")
        retired = _run(lambda rotation: rotation.retire_expired())
        typer.echo("\n".join(f"Retired {k}." for k in retired) or "Nothing to retire.")
        return
    if not KID.fullmatch(kid):
        msg = "a kid is a key's base64url thumbprint, as 'aurum keys list' shows it"
        raise typer.BadParameter(msg, param_hint="'KID'")
    try:
        key = _run(lambda rotation: rotation.retire(kid, force=force))
    except (SigningKeyInUse, NextSigningKey) as exc:
        typer.echo(f"error: {exc.code}: {exc.message} --force retires it anyway.", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(f"Retired {key.kid}; its tokens are refused within KEY_REFRESH_SECONDS.")
