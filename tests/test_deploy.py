"""The container files, checked as far as a machine without a container engine allows."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.live_server import free_port

ROOT = Path(__file__).resolve().parent.parent


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / name).read_text())
    return data


def test_compose_runs_postgres_16_redis_and_a_migrating_api() -> None:
    services = load("docker-compose.yml")["services"]
    assert services["db"]["image"] == "postgres:16"
    assert "healthcheck" in services["db"]
    assert services["api"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["api"]["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert services["api"]["environment"]["REDIS_URL"].startswith("redis://")


def test_dev_compose_reloads() -> None:
    api = load("docker-compose.dev.yml")["services"]["api"]
    assert "--reload" in " ".join(api["entrypoint"])


def test_dockerfile_runs_as_non_root_with_a_healthcheck() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "\nUSER 10001:10001\n" in dockerfile  # the `aurum` user, by number
    assert "HEALTHCHECK" in dockerfile
    assert "/health/ready" in dockerfile


def test_entrypoint_waits_migrates_and_serves(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": f"sqlite:///{tmp_path}/entry.db",
        "PORT": str(port),
        "WORKERS": "1",
        "ENVIRONMENT": "production",
        "EMAIL_BACKEND": "file",  # production refuses the console backend
        "SECRET_KEY": "a-production-secret-of-at-least-32-characters",
        "ISSUER": f"http://127.0.0.1:{port}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    process = subprocess.Popen(  # noqa: S603 - our own script
        [str(ROOT / "docker" / "entrypoint.sh")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code
            except httpx.TransportError:
                # Not listening yet: wait a little, and stop early if the script died.
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=0.2)
                    break
        assert status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_compose_requires_a_database_password() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    services = load("docker-compose.yml")["services"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "${POSTGRES_PASSWORD:?" in services["api"]["environment"]["DATABASE_URL"]
    assert "POSTGRES_PASSWORD:-" not in text  # no silent default anywhere


def test_compose_sends_mail_through_smtp_and_believes_no_proxy_by_default() -> None:
    api = load("docker-compose.yml")["services"]["api"]["environment"]
    assert api["SMTP_HOST"] == "${SMTP_HOST:-}"  # unset: production refuses to start
    assert "EMAIL_BACKEND" not in api
    assert api["FORWARDED_ALLOW_IPS"] == "${FORWARDED_ALLOW_IPS:-}"


def test_dev_compose_delivers_mail_to_a_local_catcher() -> None:
    services = load("docker-compose.dev.yml")["services"]
    api = services["api"]
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")
    assert api["environment"]["SMTP_HOST"] == "mailpit"
    assert api["environment"]["SMTP_PORT"] == "1025"  # Mailpit's SMTP port
    assert api["environment"]["SMTP_TLS"] == "none"
    assert "mailpit" in api["depends_on"]
    # Its web interface only on this machine.
    assert services["mailpit"]["ports"] == ["127.0.0.1:8025:8025"]
