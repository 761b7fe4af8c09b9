"""A process killed with SIGKILL in the middle of sending: the next one sends the message."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import PASSWORD, make_settings
from tests.jobs.support import wait_for
from tests.mail_server import Inbox
from tests.test_instances import Instance

pytestmark = pytest.mark.slow

LEASE_SECONDS = 3


def environment(workdir: Path, smtp_port: int) -> dict[str, str]:
    settings = make_settings(f"sqlite:///{workdir}/aurum.db")
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "ENVIRONMENT": "test",
        "DATABASE_URL": f"sqlite:///{workdir}/aurum.db",
        "SECRET_KEY": settings.secret_key.get_secret_value(),
        "ARGON2_MEMORY_COST": "1024",
        "ARGON2_TIME_COST": "1",
        "PASSWORD_HASH_THREADS": "1",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_TLS": "none",
        "EMAIL_FROM": "Aurum <no-reply@aurum.example>",
        "JOBS_LEASE_SECONDS": str(LEASE_SECONDS),
        "JOBS_POLL_SECONDS": "0.5",
    }


async def test_mail_in_flight_when_the_process_is_killed_is_sent_after_restart(
    tmp_path: Path, inbox: Inbox
) -> None:
    env = environment(tmp_path, inbox.port)
    inbox.stall = True
    first = Instance("first", env, tmp_path)
    try:
        await first.wait_ready()
        async with httpx.AsyncClient(base_url=first.url) as http:
            body = {"username": "juan", "email": "juan@example.com", "password": PASSWORD}
            response = await http.post("/api/v1/users/register", json=body, timeout=30)
            assert response.status_code == 201, response.text

        async def on_the_wire() -> bool:  # sent, and left unanswered
            return bool(inbox.stalled)

        await wait_for(on_the_wire, 30)
    finally:
        first.kill()
    inbox.stall = False
    second = Instance("second", env, tmp_path)
    try:
        await second.wait_ready()
        message = await inbox.next(30 + LEASE_SECONDS)
    finally:
        second.stop()
    assert message["To"] == "juan@example.com"
    assert message["Message-ID"] == inbox.stalled[0]["Message-ID"]  # one id: receivers dedupe
    assert inbox.is_empty()
