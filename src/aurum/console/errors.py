"""Every failure of an `aurum` command is one line on stderr and a non-zero status.

Bad arguments (usage errors, invalid values) exit 2; a refused action (an `AppError`,
printed as `error: <code>: <message>`) or an unreachable database exits 1.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from typer.core import TyperGroup

from aurum.errors import AppError

USAGE_ERROR = 2
FAILURE = 1


class OneLineErrors(TyperGroup):
    """The root command: runs the command, then reports any failure in one line."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        arguments = sys.argv[1:] if args is None else list(args)
        if any(not _is_text(argument) for argument in arguments):
            # Python hands undecodable bytes on as lone surrogates; no driver takes them.
            typer.echo("error: an argument is not valid text in the locale's encoding.", err=True)
            sys.exit(USAGE_ERROR)
        try:
            status = super().main(
                arguments, prog_name, complete_var, False, windows_expand_args, **extra
            )
        except typer.TyperException as exc:
            # Typer does the same test, so as not to depend on where the class lives.
            if type(exc).__name__ == "NoArgsIsHelpError":
                typer.echo(exc.format_message())
            else:
                typer.echo(f"error: {usage_line(exc)}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("error: aborted", err=True)
            sys.exit(FAILURE)
        except AppError as exc:
            typer.echo(f"error: {exc.code}: {exc.message}", err=True)
            sys.exit(FAILURE)
        except ValidationError as exc:
            typer.echo(f"error: {invalid_values(exc)}", err=True)
            sys.exit(USAGE_ERROR)
        except (SQLAlchemyError, OSError) as exc:
            typer.echo(f"error: {database_failure(exc)}", err=True)
            sys.exit(FAILURE)
        sys.exit(status if isinstance(status, int) else 0)


def _is_text(argument: str) -> bool:
    try:
        argument.encode()
    except UnicodeEncodeError:
        return False
    return True


def usage_line(exc: typer.TyperException) -> str:
    """Typer's message, and where to read more (it would print the usage and a hint)."""
    message = exc.format_message().rstrip(".")
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return f"{message}."
    return f"{message}. See '{ctx.command_path} --help'."


def invalid_values(exc: ValidationError) -> str:
    """A value that a command passed on to a schema: which argument, and why."""
    return "; ".join(
        f"invalid {'.'.join(str(part) for part in error['loc']) or 'value'}: {error['msg']}"
        for error in exc.errors()
    )


def database_failure(exc: SQLAlchemyError | OSError) -> str:
    """The driver's own reason, first line only (SQLAlchemy appends the statement)."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    text = reason[0] if reason else type(exc).__name__
    if isinstance(exc, OSError):
        return f"database_unavailable: {text}"
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return f"database_error: {text} (has 'aurum db upgrade' been run?)"
    return f"database_error: {text}"
