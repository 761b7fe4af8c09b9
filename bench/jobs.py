"""`python -m bench.jobs`: how fast the background jobs deliver email, on SQLite and PostgreSQL.

One process, as `aurum serve` runs one worker: the service's app with its job runner, and
a local SMTP server (aiosmtpd) that accepts every message. N account emails are queued in
one transaction, as N sign-ups would queue theirs, and the run waits until every one was
delivered. It reports the cost of queuing a job (in the change's transaction), the emails
delivered per second, and the process's CPU per email (runner, SMTP client and the SMTP
server together, so an upper bound of the runner's own). Not part of `bench/run`: the
numbers are written to docs/jobs.md by hand, with the date and the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from aurum.app_state import AppState
from aurum.config import Environment, Settings
from aurum.db.migrate import upgrade_database
from aurum.main import create_app
from bench.database import scratch_database

SECRET_KEY = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - a scratch database's


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.count += 1
        return "250 OK"


async def measure(database_url: str, label: str, count: int) -> str:
    sink = Sink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="localhost", loop=loop), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    settings = Settings(
        _env_file=None,
        environment=Environment.TEST,
        database_url=database_url,
        secret_key=SECRET_KEY,
        auto_migrate=False,
        redis_url=None,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        email_from="Aurum <no-reply@aurum.example>",
    )
    await upgrade_database(settings)
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            state: AppState = app.state.aurum
            await state.jobs.drain()
            started, cpu = time.perf_counter(), time.process_time()
            async with state.sessionmaker.begin() as db:
                for n in range(count):
                    payload = {"message": "mfa_reset", "email": f"person{n}@example.com"}
                    state.jobs.enqueue(db, "mail.account", payload)
            queued = time.perf_counter()
            await state.jobs.drain(within=3600)
            done, cpu = time.perf_counter(), time.process_time() - cpu
    finally:
        server.close()
        await server.wait_closed()
    if sink.count != count:
        msg = f"{label}: {sink.count} of {count} emails arrived"
        raise RuntimeError(msg)
    return (
        f"{label}: {count} jobs queued in one transaction, {(queued - started) / count * 1e6:.0f}"
        f" µs each; delivered in {done - queued:.1f} s, {count / (done - queued):.0f} emails/s;"
        f" {cpu / count * 1000:.1f} ms of the process's CPU per email"
    )


async def main(count: int, server_dsn: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "jobs.db"
        print(await measure(f"sqlite+aiosqlite:///{path}", "SQLite", count))
    async with scratch_database(server_dsn) as dsn:
        print(await measure(dsn, "PostgreSQL", count))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/postgres")
    options = parser.parse_args()
    asyncio.run(main(options.count, options.database))
