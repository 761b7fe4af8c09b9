"""A database outage gives 503s, the service recovers by itself when it returns, and no
acknowledged email is lost.

The app reaches PostgreSQL through a TCP relay that the test cuts and restores.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import make_url

from aurum.config import normalize_database_url
from aurum.db.migrate import upgrade_database
from aurum.main import create_app
from tests.conftest import PASSWORD, POSTGRES_URL, make_settings, postgres_database
from tests.mail_server import Inbox


class Relay:
    """Forwards 127.0.0.1:<port> to the database; `cut()` drops and refuses connections."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.server: asyncio.Server | None = None
        self.port = 0
        self.links: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.links):
            writer.transport.abort()
        await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.links |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.links -= {writer, up_writer}


@pytest.fixture
async def relayed_url() -> AsyncIterator[tuple[str, Relay]]:
    assert POSTGRES_URL is not None
    async with postgres_database(POSTGRES_URL) as url:
        parsed = make_url(normalize_database_url(url))
        relay = Relay(parsed.host or "127.0.0.1", parsed.port or 5432)
        await relay.start()
        yield parsed.set(host="127.0.0.1", port=relay.port).render_as_string(False), relay
        with contextlib.suppress(AssertionError):
            await relay.cut()


@pytest.mark.skipif(POSTGRES_URL is None, reason="needs TEST_DATABASE_URL (PostgreSQL)")
async def test_database_outage_is_503_then_recovers(relayed_url: tuple[str, Relay]) -> None:
    url, relay = relayed_url
    await upgrade_database(make_settings(url))
    app = create_app(make_settings(url))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        body = {"username": "juan", "email": "juan@example.com", "password": PASSWORD}
        assert (await client.post("/api/v1/users/register", json=body)).status_code == 201
        login = await client.post("/api/v1/token", data={"username": "juan", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        await relay.cut()
        for request in (
            client.get("/api/v1/users/me", headers=headers),
            client.get("/health/ready"),
            client.post(
                "/api/v1/users/register",
                json=body | {"username": "ana", "email": "ana@example.com"},
            ),
        ):
            response = await asyncio.wait_for(request, timeout=15)
            assert response.status_code == 503, response.text
            assert response.json()["error"] == "service_unavailable"
            assert "retry-after" in response.headers

        await relay.start()
        assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200
        assert (await client.get("/health/ready")).status_code == 200
        # Nothing half-written: the failed sign-up left no account behind.
        ana = await client.post("/api/v1/token", data={"username": "ana", "password": PASSWORD})
        assert ana.status_code == 401


@pytest.mark.skipif(POSTGRES_URL is None, reason="needs TEST_DATABASE_URL (PostgreSQL)")
async def test_every_acknowledged_sign_up_gets_its_email_after_an_outage(
    relayed_url: tuple[str, Relay], inbox: Inbox
) -> None:
    """Sign-ups under load while the database is cut for 10 s: each one answered 201 has
    its verification email delivered once the database is back (one Message-ID each)."""
    url, relay = relayed_url
    await upgrade_database(make_settings(url))
    settings = make_settings(
        url,
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,
        smtp_tls="none",
        mail_max_attempts=10,
        mail_retry_base_seconds=0.2,
        jobs_poll_seconds=0.2,
        jobs_lease_seconds=3,
        database_pool_timeout=2,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    acknowledged: list[str] = []
    statuses: list[int] = []

    load = asyncio.Event()  # set once the database has been back for two seconds

    async def sign_ups(worker: int) -> None:
        n = 0
        while not load.is_set():
            n += 1
            name = f"user{worker}x{n}"
            body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
            response = await client.post("/api/v1/users/register", json=body)
            statuses.append(response.status_code)
            if response.status_code == 201:
                acknowledged.append(body["email"])
            await asyncio.sleep(0.05)

    async def outage() -> None:
        await asyncio.sleep(1)
        await relay.cut()
        await asyncio.sleep(10)
        await relay.start()
        await asyncio.sleep(2)
        load.set()

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        await asyncio.gather(outage(), *(sign_ups(worker) for worker in range(4)))
        assert set(statuses) <= {201, 503}
        assert 503 in statuses  # the outage was felt
        assert len(acknowledged) >= 20  # before and after it
        # At least once: a message sent just before the database went away, whose job
        # could not be marked done, is sent again, with the same Message-ID.
        message_ids: dict[str, set[str]] = {}
        async with asyncio.timeout(90):
            while not set(acknowledged) <= message_ids.keys():
                message = await inbox.next(90)
                message_ids.setdefault(str(message["To"]), set()).add(message["Message-ID"])
    assert message_ids.keys() == set(acknowledged)
    assert all(len(ids) == 1 for ids in message_ids.values())
