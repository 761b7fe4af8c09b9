"""S1-S13 against Aurum, started the production way: `aurum serve` with one worker per core."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench import database, loadgen, provider, servers, service
from bench.loadgen import Measurement
from bench.metrics_cost import measure_metrics_cost
from bench.report import Report, Row
from bench.servers import Server

if TYPE_CHECKING:
    from bench.harness import Options

READ_SHARE = 0.25  # S7: the paced /users/me load, as a share of S2's closed-loop rate
PACED_CONNECTIONS = 8
FLOOD_READERS = 4  # S9: one signed-in client reading without pause...
FLOOD_SIGN_INS = 8  # ...while these connections sign in
DEEP = 0.9  # S8: the cursor sits this far into the seeded users
TOKENS = 64  # accounts signed in for the read and rotation scenarios (one hash each)


def token_count(connections: int) -> int:
    """Signed-in accounts: S4 needs a spare token per wrk thread beyond the connections."""
    return max(TOKENS, 2 * connections)


def serve_command(server: str, port: int, workers: int) -> list[str]:
    return [
        service.AURUM,
        "serve",
        *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
        *("--server", server, "--no-access-log"),
    ]


@dataclass(frozen=True, slots=True)
class Target:
    """The running service and what the scenarios need to call it."""

    options: Options
    server: Server
    access_tokens: Path
    refresh_tokens: Path
    dsn: str

    @property
    def url(self) -> str:
        return self.server.base_url

    def me(self) -> tuple[str, ...]:
        return ("path=/api/v1/users/me", f"tokens={self.access_tokens}")

    def login(self) -> tuple[str, ...]:
        return (
            f"prefix={database.USER_PREFIX}",
            f"users={self.options.users}",
            f"password={service.PASSWORD}",
        )


async def run_all(
    options: Options, server: str, env: dict[str, str], dsn: str, report: Report, *, main: bool
) -> None:
    """Every scenario under the chosen server; only S1 and S2 under the others (comparison)."""
    for attempt in range(2):
        try:
            await _serve_and_measure(
                options, server, env, dsn, report, main=main, first=not attempt
            )
        except _RestartError:
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
        if first and await database.longest_key_chain(dsn) > 1:
            # Workers that start together on a fresh database may each create the first
            # key of a chain; a restart makes every worker load all of them.
            raise _RestartError
        users = [f"{database.USER_PREFIX}{n:07d}" for n in range(token_count(options.connections))]
        tokens = await service.sign_in(running.base_url, users)
        access, refresh = (
            options.logs / f"access-{server}.txt",
            options.logs / f"refresh-{server}.txt",
        )
        access.write_text("\n".join(tokens.access) + "\n")
        refresh.write_text("\n".join(tokens.refresh) + "\n")
        target = Target(options, running, access, refresh, dsn)
        suffix = "" if main else f"/{server}"
        await loadgen.run(options.load("get.lua", target.url, "path=/health", seconds=1))
        await loadgen.run(options.load("get.lua", target.url, *target.me(), seconds=1))
        s1 = await running.measure(options.load("get.lua", target.url, "path=/health"))
        report.rows.append(Row("S1" + suffix, f"GET /health ({server})", s1))
        s2 = await running.measure(options.load("get.lua", target.url, *target.me()))
        report.rows.append(Row("S2" + suffix, f"GET /api/v1/users/me ({server})", s2))
        if main:
            await measure_metrics_cost(target, command, env, report)
            await _writes(target, report)
            await _introspection(target, report)
            await _mixed(target, s2, report)
            await _availability(target, report)
            await _provider(target, report)
            await _listing(target, report)
            waited = await running.settle()
            report.memory = running.worker_rss_mib()
            report.notes.append(
                f"Memory was read once the service was idle, {waited:.0f} s after the last "
                "scenario (hashes queued by a flood finish first)."
            )


async def _writes(target: Target, report: Report) -> None:
    options, running = target.options, target.server
    s3 = await running.measure(options.load("login.lua", target.url, *target.login()))
    report.rows.append(Row("S3", "POST /api/v1/token (login)", s3))
    await running.settle()  # the hashes a closed loop left queued are not the next scenario's
    rotation = options.load("refresh.lua", target.url, f"tokens={target.refresh_tokens}")
    report.rows.append(
        Row("S4", "POST /api/v1/refresh-token (rotation)", await running.measure(rotation))
    )
    register = (f"tag=r{secrets.token_hex(3)}", f"password={service.PASSWORD}")
    s5 = await running.measure(options.load("register.lua", target.url, *register))
    report.rows.append(Row("S5", "POST /api/v1/users/register", s5))
    await running.settle()


async def _introspection(target: Target, report: Report) -> None:
    title = "POST /api/v1/oauth/introspect"
    admin = await service.sign_in(target.url, [service.ADMIN])
    probe = target.access_tokens.read_text().split()[0]
    client = await service.introspection_client(target.url, admin.access[0], probe)
    if not client.basic:
        report.rows.append(Row("S6", title, None, client.note))
        return
    args = (f"tokens={target.access_tokens}", f"basic={client.basic}")
    load = target.options.load("introspect.lua", target.url, *args)
    report.rows.append(Row("S6", title, await target.server.measure(load)))


async def _mixed(target: Target, s2: Measurement, report: Report) -> None:
    options = target.options
    rate = max(s2.rps * READ_SHARE, 10.0)
    pause = max(1, round(PACED_CONNECTIONS * 1000 / rate))
    reads = options.load(
        "get.lua",
        target.url,
        *target.me(),
        f"delay_ms={pause}",
        connections=PACED_CONNECTIONS,
    )
    alone = await target.server.measure(reads)
    report.rows.append(Row("S7a", f"/users/me paced (~{rate:,.0f}/s), alone", alone))
    during, flood = await asyncio.gather(
        loadgen.run(reads), loadgen.run(options.load("login.lua", target.url, *target.login()))
    )
    report.rows.append(Row("S7b", "/users/me paced, during a login flood", during))
    report.rows.append(Row("S7c", "the login flood (POST /api/v1/token)", flood))
    await target.server.settle()


async def _availability(target: Target, report: Report) -> None:
    """S9: one signed-in client reads without pause while others sign in. Neither may stop
    the other: the bars compare the sign-ins with R3 and the reads with their rate alone."""
    options = target.options
    token = target.access_tokens.read_text().split()[0]
    one_token = target.access_tokens.with_name(f"one-{target.access_tokens.name}")
    one_token.write_text(token + "\n")
    reads = options.load(
        "get.lua",
        target.url,
        "path=/api/v1/users/me",
        f"tokens={one_token}",
        connections=FLOOD_READERS,
    )
    sign_ins = options.load("login.lua", target.url, *target.login(), connections=FLOOD_SIGN_INS)
    alone = await target.server.measure(reads)
    report.rows.append(
        Row("S9a", f"/users/me, one token, {FLOOD_READERS} connections unpaced, alone", alone)
    )
    server = target.server
    total, hashing = server.cpu_seconds(), server.hashing_cpu_seconds()
    during, flood = await asyncio.gather(loadgen.run(reads), loadgen.run(sign_ins))
    total, hashing = server.cpu_seconds() - total, server.hashing_cpu_seconds() - hashing
    report.rows.append(Row("S9b", "the same reads during S9c", during))
    report.rows.append(
        Row("S9c", f"sign-ins ({FLOOD_SIGN_INS} connections) during the same reads", flood)
    )
    if total > 0:
        report.notes.append(
            f"During S9b and S9c the password-hashing processes used {hashing:.1f} s of CPU "
            f"and the workers {total - hashing:.1f} s ({hashing / total:.0%} hashing), as "
            "the scheduler shared the cores between them."
        )
    await server.settle()


async def _provider(target: Target, report: Report) -> None:
    """S10-S12: Aurum as an OpenID Provider: code flows, the hosted sign-in, UserInfo."""
    options, running = target.options, target.server
    admin = await service.sign_in(target.url, [service.ADMIN])
    app = await provider.register_web_app(target.url, admin.access[0])
    users = [f"{database.USER_PREFIX}{n:07d}" for n in range(token_count(options.connections))]
    cookies = await provider.signed_in_browsers(target.url, users)
    cookie_file = options.logs / "browser-cookies.txt"
    cookie_file.write_text("\n".join(cookies) + "\n")
    flows = options.load(
        "code_flow.lua",
        target.url,
        f"query={app.authorize_query()}",
        f"cookies={cookie_file}",
        f"basic={app.basic}",
        f"redirect_uri={provider.REDIRECT_URI}",
        f"verifier={app.verifier}",
    )
    title = "code flow: GET /authorize (live session) + POST token (PKCE); 2 requests a flow"
    report.rows.append(Row("S10", title, await running.measure(flows)))
    tokens = options.logs / "code-flow-tokens.txt"
    tokens.write_text("\n".join(await provider.code_flow_tokens(target.url, app, cookies)) + "\n")
    userinfo = options.load(
        "get.lua", target.url, "path=/api/v1/oauth/userinfo", f"tokens={tokens}"
    )
    report.rows.append(Row("S12", "GET /api/v1/oauth/userinfo", await running.measure(userinfo)))
    browser = await provider.fresh_browser(target.url)
    browser_file = options.logs / "sign-in-browser.txt"
    browser_file.write_text(browser.cookie + "\n")
    form = (*target.login(), f"csrf_token={browser.csrf_token}", f"cookie_file={browser_file}")
    s11 = await running.measure(options.load("sign_in_form.lua", target.url, *form))
    report.rows.append(Row("S11", "POST /sign-in (the hosted sign-in form)", s11))
    await running.settle()


async def _listing(target: Target, report: Report) -> None:
    options, running = target.options, target.server
    token = f"tokens={target.access_tokens}"
    position = int(options.users * DEEP)
    cursor = await database.cursor_at(target.dsn, position)
    pages = [
        ("S8a", "GET /api/v1/users/ first page", "limit=10"),
        ("S8b", f"GET /api/v1/users/ cursor at {position:,}", f"limit=10&cursor={cursor}"),
        (
            "S8c",
            f"GET /api/v1/users/?skip={min(position, 100_000):,} (for contrast)",
            f"limit=10&skip={min(position, 100_000)}",
        ),
    ]
    for key, title, query in pages:
        load = options.load("get.lua", target.url, f"path=/api/v1/users/?{query}", token)
        report.rows.append(Row(key, title, await running.measure(load)))


class _RestartError(Exception):
    """Signing keys raced at first start: start the service again."""
