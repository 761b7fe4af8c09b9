"""The `aurum` command, run as an operator would run it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from aurum.cli import app
from aurum.config import Settings, get_settings


def aurum(
    tmp_path: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
        "ARGON2_MEMORY_COST": "1024",
        "ARGON2_TIME_COST": "1",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own entry point
        [sys.executable, "-m", "aurum", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def test_db_commands(tmp_path: Path) -> None:
    assert aurum(tmp_path, "db", "upgrade").returncode == 0
    assert "(head)" in aurum(tmp_path, "db", "current").stdout
    assert aurum(tmp_path, "db", "downgrade", "base").returncode == 0
    assert "(empty database)" in aurum(tmp_path, "db", "current").stdout


def test_create_admin_from_stdin(tmp_path: Path) -> None:
    result = aurum(
        tmp_path,
        "create-admin",
        "--username",
        "root",
        "--email",
        "root@example.com",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert result.returncode == 0, result.stderr
    rows = (
        sqlite3.connect(tmp_path / "cli.db")
        .execute("SELECT username, role, password_hash FROM users")
        .fetchall()
    )
    assert len(rows) == 1
    assert rows[0][:2] == ("root", "admin")
    assert rows[0][2].startswith("$argon2id$")
    assert "a long enough password" not in result.stdout + result.stderr

    again = aurum(
        tmp_path,
        "create-admin",
        "--username",
        "root",
        "--email",
        "other@example.com",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert again.returncode == 1
    assert "username_taken" in again.stderr


def test_create_admin_refuses_a_short_password(tmp_path: Path) -> None:
    result = aurum(
        tmp_path,
        "create-admin",
        "--username",
        "root",
        "--email",
        "root@example.com",
        "--password-stdin",
        stdin="short\n",
    )
    assert result.returncode == 1
    assert "password_too_short" in result.stderr


def test_production_refuses_the_default_secret(tmp_path: Path) -> None:
    result = aurum(tmp_path, "db", "current", ENVIRONMENT="production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("secret", ["", "short", "aurum-development-secret-change-me"])
def test_production_settings_need_a_real_secret(secret: str) -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(
            _env_file=None,
            environment="production",
            secret_key=secret,
            issuer=ISSUER,
            public_base_url=PUBLIC_BASE_URL,
        )


ISSUER = "https://id.example.org"
PUBLIC_BASE_URL = "https://app.example.org"


def test_production_settings_need_the_public_urls() -> None:
    with pytest.raises(ValueError, match="ISSUER must be set"):
        Settings(
            _env_file=None,
            environment="production",
            secret_key="x" * 40,
            public_base_url=PUBLIC_BASE_URL,
        )
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL must be set"):
        Settings(_env_file=None, environment="production", secret_key="x" * 40, issuer=ISSUER)


def test_production_settings_with_a_real_secret() -> None:
    settings = Settings(
        _env_file=None,
        environment="production",
        secret_key="x" * 40,
        issuer=ISSUER,
        public_base_url=PUBLIC_BASE_URL,
        smtp_host="smtp.example.org",
    )
    assert settings.environment == "production"
    assert not settings.migrate_on_start or settings.is_sqlite


def command_paths(
    command: typer.core.TyperGroup, path: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    paths = [path]
    for name, sub in command.commands.items():
        if isinstance(sub, typer.core.TyperGroup):
            paths += command_paths(sub, (*path, name))
        else:
            paths.append((*path, name))
    return paths


def test_help_labels_no_flag_as_taking_a_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    paths = command_paths(root)
    assert {("users", "disable"), ("clients", "show"), ("keys", "retire")} <= set(paths)
    try:
        for path in paths:
            result = CliRunner().invoke(app, [*path, "--help"])
            assert result.exit_code == 0, (path, result.output)
            assert "<bool>" not in result.output, path
            assert "--help  " in result.output or "--help " in result.output
    finally:
        get_settings.cache_clear()


UNREACHABLE = "postgresql://postgres@127.0.0.1:1/aurum"  # nothing listens on port 1


@pytest.mark.parametrize(
    ("args", "env", "status", "says"),
    [
        (
            ["create-admin", "--username", "root", "--email", "notanemail", "--password-stdin"],
            {},
            2,
            "invalid email: value is not a valid email address",
        ),
        (
            ["create-admin", "--username", "r o", "--email", "a@example.com", "--password-stdin"],
            {},
            2,
            "invalid username",
        ),
        (
            ["create-admin", "--username", "root", "--email", "a@example.com"],
            {},
            2,
            "--password-stdin",
        ),
        (["db", "upgrade", "nonsense"], {}, 2, "'REVISION': Can't locate revision"),
        (["db", "wait", "--timeout", "0"], {}, 2, "'--timeout'"),
        (["serve", "--port", "abc"], {}, 2, "'--port'"),
        (["no-such-command"], {}, 2, "No such command"),
        (["keys", "list", "--bogus"], {}, 2, "No such option: --bogus"),
        (["keys", "retire", "not a kid!"], {}, 2, "'KID'"),
        (["keys", "retire", "--force"], {}, 2, "--force goes with a KID"),
        (["keys", "retire", "NoSuchKid"], {}, 1, "key_not_found"),
        (["users", "disable"], {}, 2, "Missing argument 'USER'"),
        (["users", "list", "--limit", "0"], {}, 2, "'--limit'"),
        (["users", "show", "\udcff"], {}, 2, "not valid text"),  # the byte 0xff
        (["clients", "show", "nope"], {}, 1, "client_not_found"),
        (
            ["keys", "list"],
            {"DATABASE_URL": "sqlite:////no/such/directory/aurum.db"},
            2,
            "the directory of the SQLite file does not exist",
        ),
        (
            ["keys", "list"],
            {"DATABASE_URL": "mysql://localhost/aurum"},
            2,
            "use a postgresql:// or sqlite:// URL",
        ),
        (["keys", "list"], {"DATABASE_URL": UNREACHABLE}, 1, "database_unavailable"),
        (["keys", "list"], {"AUTO_MIGRATE": "false"}, 1, "has 'aurum db upgrade' been run?"),
    ],
)
def test_every_failure_is_one_line(
    tmp_path: Path, args: list[str], env: dict[str, str], status: int, says: str
) -> None:
    result = aurum(tmp_path, *args, **env)
    assert result.returncode == status, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert says in result.stderr
    assert result.stderr.startswith(("error: ", "configuration error: "))


PRODUCTION = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "a-production-secret-of-at-least-32-characters",
    "ISSUER": ISSUER,
    "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
}


def test_production_refuses_to_serve_with_the_console_mail_backend(tmp_path: Path) -> None:
    # It would print usable password-reset and verification links to the logs.
    result = aurum(tmp_path, "serve", EMAIL_BACKEND="console", SMTP_HOST="", **PRODUCTION)
    assert result.returncode == 2
    assert result.stderr == (
        "configuration error: Value error, EMAIL_BACKEND is console, which production "
        "refuses: set SMTP_HOST (or EMAIL_BACKEND=file)\n"
    )
    # Unset, with no SMTP server, the backend would be the console: refused too.
    assert aurum(tmp_path, "serve", SMTP_HOST="", **PRODUCTION).returncode == 2


def test_development_keeps_the_console_mail_backend() -> None:
    settings = Settings(_env_file=None, environment="development")
    assert settings.mail_backend == "console"
