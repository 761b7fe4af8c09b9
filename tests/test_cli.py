"""The `aurum` command, run as an operator would run it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aurum.config import Settings


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
        Settings(_env_file=None, environment="production", secret_key=secret, **PUBLIC)


PUBLIC = {"issuer": "https://id.example.org", "public_base_url": "https://app.example.org"}


@pytest.mark.parametrize("unset", ["issuer", "public_base_url"])
def test_production_settings_need_the_public_urls(unset: str) -> None:
    urls = {name: url for name, url in PUBLIC.items() if name != unset}
    with pytest.raises(ValueError, match=f"{unset.upper()} must be set"):
        Settings(_env_file=None, environment="production", secret_key="x" * 40, **urls)


def test_production_settings_with_a_real_secret() -> None:
    settings = Settings(_env_file=None, environment="production", secret_key="x" * 40, **PUBLIC)
    assert settings.environment == "production"
    assert not settings.migrate_on_start or settings.is_sqlite
