"""How email leaves: SMTP with retries, failures reported, console and file for development."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from aurum.app_state import AppState
from aurum.jobs.housekeeping import HOUSEKEEPING
from aurum.models.job import Job, JobStatus
from tests.conftest import Accounts, AppFactory
from tests.live_server import free_port
from tests.mail_server import Inbox, body_of, self_signed_certificate, smtp_server, token_of

REGISTER = "/api/v1/users/register"


async def only_job(state: AppState) -> Job:
    async with state.sessionmaker() as db:
        jobs = list(await db.scalars(select(Job).where(Job.kind != HOUSEKEEPING)))
    assert len(jobs) == 1
    return jobs[0]


async def test_a_refused_message_is_retried_until_it_is_accepted(
    mail_accounts: Accounts, inbox: Inbox, mail_state: AppState
) -> None:
    """451 twice, then 250: delivered once, every attempt with the same Message-ID."""
    inbox.refuse_next = 2
    await mail_accounts.register("juan")
    message = await inbox.next()
    assert message["To"] == "juan@example.com"
    assert token_of(message)
    await mail_state.jobs.drain()
    assert (mail_state.jobs.completed, mail_state.jobs.dead) == (1, 0)
    job = await only_job(mail_state)
    assert (job.status, job.attempts, job.payload) == (JobStatus.DONE, 3, None)
    assert message["Message-ID"] == f"<{job.id}@aurum.example>"
    assert [m["Message-ID"] for m in inbox.refused] == [message["Message-ID"]] * 2
    assert inbox.is_empty()  # once


async def test_a_permanent_refusal_is_dead_at_once(
    mail_accounts: Accounts, inbox: Inbox, mail_state: AppState, caplog: pytest.LogCaptureFixture
) -> None:
    """550: no retry; the job is dead, for an operator to see and retry."""
    inbox.refuse_next = 1
    inbox.refusal = "550 5.1.1 No such mailbox"
    with caplog.at_level(logging.WARNING, logger="aurum.jobs.runner"):
        await mail_accounts.register("juan")
        await mail_state.jobs.drain()
    assert (mail_state.jobs.completed, mail_state.jobs.dead) == (0, 1)
    job = await only_job(mail_state)
    assert (job.status, job.attempts) == (JobStatus.DEAD, 1)
    assert job.last_error == "SMTP 550 (SMTPDataError)"
    assert len(inbox.refused) == 1
    assert inbox.is_empty()
    assert [r.levelno for r in caplog.records] == [logging.ERROR]


async def test_a_message_that_cannot_be_sent_is_reported(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    app = await make_app(
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        smtp_tls="none",
        mail_max_attempts=3,
        mail_retry_base_seconds=0.01,
    )
    state: AppState = app.state.aurum
    transport = httpx.ASGITransport(app=app)
    with caplog.at_level(logging.WARNING, logger="aurum.jobs.runner"):
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.post(
                REGISTER,
                json={"username": "juan", "email": "juan@example.com", "password": "x" * 12},
            )
            assert response.status_code == 201  # the request does not wait for the mail
            await state.jobs.drain()
    assert (state.jobs.completed, state.jobs.dead) == (0, 1)
    retries = [r for r in caplog.records if r.levelno == logging.WARNING]
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(retries) == 2
    assert len(failures) == 1
    assert "(after 3 attempts)" in failures[0].getMessage()
    # The log names the recipient only partly, and never carries the link.
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "juan@example.com" not in logged
    assert "token" not in logged


async def test_smtp_credentials_are_used(make_app: AppFactory) -> None:
    async with smtp_server(credentials=("mailer", "s3cret")) as inbox:
        app = await make_app(
            smtp_host="127.0.0.1",
            smtp_port=inbox.port,
            smtp_tls="false",
            smtp_user="mailer",
            smtp_password="s3cret",
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await client.post(
                REGISTER,
                json={"username": "juan", "email": "juan@example.com", "password": "x" * 12},
            )
            assert (await inbox.next())["To"] == "juan@example.com"


@pytest.mark.parametrize(
    ("environment", "show_links", "shown"),
    [
        ("development", True, True),
        ("development", False, False),  # the default: links hidden
        ("test", True, False),  # shown in development only
    ],
)
async def test_the_console_sender_prints_the_message(
    make_app: AppFactory,
    capsys: pytest.CaptureFixture[str],
    environment: str,
    show_links: bool,
    shown: bool,
) -> None:
    app = await make_app(
        public_base_url="http://localhost:3000",
        environment=environment,
        email_console_links=show_links,
    )
    state: AppState = app.state.aurum
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await client.post(
            REGISTER,
            json={"username": "juan", "email": "juan@example.com", "password": "x" * 12},
        )
        await state.jobs.drain()
    out = capsys.readouterr().out
    assert "To: juan@example.com" in out
    assert ("http://localhost:3000/verify-email?token=" in out) is shown
    assert ("[link hidden: EMAIL_CONSOLE_LINKS=true shows it in development]" in out) is not shown


async def test_the_file_sender_writes_eml_files(make_app: AppFactory, tmp_path: Path) -> None:
    app = await make_app(email_backend="file", email_file_dir=str(tmp_path / "mail"))
    state: AppState = app.state.aurum
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await client.post(
            REGISTER,
            json={"username": "juan", "email": "juan@example.com", "password": "x" * 12},
        )
        await state.jobs.drain()
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    assert b"verify-email?token=" in files[0].read_bytes()


async def test_signing_up_with_a_taken_email_tells_its_owner(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    await mail_accounts.register("juan")
    await inbox.next()  # juan's own verification link
    response = await mail_accounts.client.post(
        REGISTER,
        json={"username": "intruso", "email": "juan@example.com", "password": "x" * 12},
    )
    assert response.status_code == 201
    notice = await inbox.next()
    assert notice["To"] == "juan@example.com"
    assert "already have" in body_of(notice)
    assert "token=" not in body_of(notice)


def server_context(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    cert, key = self_signed_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


@pytest.mark.parametrize("mode", ["starttls", "tls"])
async def test_tls_to_the_smtp_server(make_app: AppFactory, tmp_path: Path, mode: str) -> None:
    """STARTTLS (the default) and implicit TLS, with the server's certificate verified."""
    context, ca_file = server_context(tmp_path)
    server = {"starttls": context} if mode == "starttls" else {"tls": context}
    async with smtp_server(credentials=("mailer", "s3cret"), **server) as inbox:
        app = await make_app(
            smtp_host="127.0.0.1",
            smtp_port=inbox.port,
            smtp_tls=mode,
            smtp_ca_file=str(ca_file),
            smtp_user="mailer",
            smtp_password="s3cret",
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await client.post(
                REGISTER,
                json={"username": "juan", "email": "juan@example.com", "password": "x" * 12},
            )
            assert (await inbox.next())["To"] == "juan@example.com"


async def test_an_untrusted_certificate_is_refused(make_app: AppFactory, tmp_path: Path) -> None:
    context, _ = server_context(tmp_path)
    async with smtp_server(starttls=context) as inbox:
        app = await make_app(
            smtp_host="127.0.0.1",
            smtp_port=inbox.port,
            smtp_tls="starttls",
            mail_max_attempts=1,
        )
        state: AppState = app.state.aurum
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await client.post(
                REGISTER,
                json={"username": "juan", "email": "juan@example.com", "password": "x" * 12},
            )
            await state.jobs.drain()
        assert state.jobs.dead == 1
        assert inbox.is_empty()
