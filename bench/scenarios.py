"""S1-S8 against Aurum, started the production way: `aurum serve` with one worker per core."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from bench import database, loadgen, servers, service
from bench.loadgen import Measurement
from bench.report import Report, Row

if TYPE_CHECKING:
    from bench.harness import Options

READ_SHARE = 0.25  # S7: the paced /users/me load, as a share of S2's closed-loop rate
PACED_CONNECTIONS = 8
DEEP = 0.9  # S8: the cursor sits this far into the seeded users
TOKENS = 64  # accounts signed in for the read and rotation scenarios (one hash each)


def serve_command(server: str, port: int, workers: int) -> list[str]:
    return [
        service.AURUM,
        "serve",
        *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
        *("--server", server, "--no-access-log"),
    ]


async def run_all(
    options: Options,
    server: str,
    env: dict[str, str],
    dsn: str,
    report: Report,
    *,
    main: bool,
) -> None:
    """Every scenario under the chosen server; only S1 and S2 under the others (comparison)."""
    for attempt in range(2):
        try:
            await _serve_and_measure(
                options, server, env, dsn, report, main=main, first=attempt == 0
            )
        except _Restart:
            continue
        return


async def _serve_and_measure(
    options: Options,
    server: str,
    env: dict[str, str],
    dsn: str,
    report: Report,
    *,
    main: bool,
    first: bool,
) -> None:
    port = servers.free_port()
    log = options.logs / f"aurum-{server}.log"
    command = serve_command(server, port, options.workers)
    async with servers.serving(command, env, port, "/health/ready", log) as running:
        if first and await service.signing_key_count(dsn) > 1:
            # Workers that start together on a fresh database may each create the first
            # signing key; a restart makes every worker load all of them.
            raise _Restart
        url = running.base_url
        users = [f"{database.USER_PREFIX}{n:07d}" for n in range(TOKENS)]
        tokens = await service.sign_in(url, users)
        files = _token_files(options.logs, server, tokens)
        suffix = "" if main else f"/{server}"
        me = ("path=/api/v1/users/me", f"tokens={files['access']}")
        await loadgen.run(options.load("get.lua", url, "path=/health", seconds=1))  # warm-up
        await loadgen.run(options.load("get.lua", url, *me, seconds=1))
        s1 = await loadgen.run(options.load("get.lua", url, "path=/health"))
        report.rows.append(Row("S1" + suffix, f"GET /health ({server})", s1))
        s2 = await loadgen.run(options.load("get.lua", url, *me))
        report.rows.append(Row("S2" + suffix, f"GET /api/v1/users/me ({server})", s2))
        if main:
            await _writes_and_mixes(options, url, dsn, files, s2, report)
            report.memory = running.worker_rss_mib()


async def _writes_and_mixes(
    options: Options, url: str, dsn: str, files: dict[str, Path], s2: Measurement, report: Report
) -> None:
    login = (
        "prefix=" + database.USER_PREFIX,
        f"users={options.users}",
        f"password={service.PASSWORD}",
    )
    s3 = await loadgen.run(options.load("login.lua", url, *login))
    report.rows.append(Row("S3", "POST /api/v1/token (login)", s3))
    s4 = await loadgen.run(options.load("refresh.lua", url, f"tokens={files['refresh']}"))
    report.rows.append(Row("S4", "POST /api/v1/refresh-token (rotation)", s4))
    register = (f"tag=r{secrets.token_hex(3)}", f"password={service.PASSWORD}")
    s5 = await loadgen.run(options.load("register.lua", url, *register))
    report.rows.append(Row("S5", "POST /api/v1/users/register", s5))
    await _introspection(options, url, files, report)
    await _mixed(options, url, files, s2, login, report)
    await _listing(options, url, dsn, files, report)


async def _introspection(
    options: Options, url: str, files: dict[str, Path], report: Report
) -> None:
    title = "POST /api/v1/oauth/introspect"
    admin = await service.sign_in(url, [service.ADMIN])
    probe = files["access"].read_text().split()[0]
    client = await service.introspection_client(url, admin.access[0], probe)
    if not client.basic:
        report.rows.append(Row("S6", title, None, client.note))
        return
    args = (f"tokens={files['access']}", f"basic={client.basic}")
    report.rows.append(
        Row("S6", title, await loadgen.run(options.load("introspect.lua", url, *args)))
    )


async def _mixed(
    options: Options,
    url: str,
    files: dict[str, Path],
    s2: Measurement,
    login: tuple[str, ...],
    report: Report,
) -> None:
    rate = max(s2.rps * READ_SHARE, 10.0)
    pause = max(1, round(PACED_CONNECTIONS * 1000 / rate))
    reads = options.load(
        "get.lua",
        url,
        "path=/api/v1/users/me",
        f"tokens={files['access']}",
        f"delay_ms={pause}",
        connections=PACED_CONNECTIONS,
    )
    alone = await loadgen.run(reads)
    report.rows.append(Row("S7a", f"/users/me paced (~{rate:,.0f}/s), alone", alone))
    during, flood = await asyncio.gather(
        loadgen.run(reads), loadgen.run(options.load("login.lua", url, *login))
    )
    report.rows.append(Row("S7b", "/users/me paced, during a login flood", during))
    report.rows.append(Row("S7c", "the login flood (POST /api/v1/token)", flood))


async def _listing(
    options: Options, url: str, dsn: str, files: dict[str, Path], report: Report
) -> None:
    token = f"tokens={files['access']}"
    position = int(options.users * DEEP)
    cursor = await database.cursor_at(dsn, position)
    first = await loadgen.run(options.load("get.lua", url, "path=/api/v1/users/?limit=10", token))
    report.rows.append(Row("S8a", "GET /api/v1/users/ first page", first))
    deep_path = f"path=/api/v1/users/?limit=10&cursor={cursor}"
    deep = await loadgen.run(options.load("get.lua", url, deep_path, token))
    report.rows.append(Row("S8b", f"GET /api/v1/users/ cursor at {position:,}", deep))
    skip = min(position, 100_000)
    offset = await loadgen.run(
        options.load("get.lua", url, f"path=/api/v1/users/?limit=10&skip={skip}", token)
    )
    report.rows.append(Row("S8c", f"GET /api/v1/users/?skip={skip:,} (for contrast)", offset))


class _Restart(Exception):
    """Signing keys raced at first start: start the service again."""


def _token_files(logs: Path, server: str, tokens: service.Tokens) -> dict[str, Path]:
    files = {"access": logs / f"access-{server}.txt", "refresh": logs / f"refresh-{server}.txt"}
    files["access"].write_text("\n".join(tokens.access) + "\n")
    files["refresh"].write_text("\n".join(tokens.refresh) + "\n")
    return files
