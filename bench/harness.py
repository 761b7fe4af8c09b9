"""`bench/run`: the service measured side by side with the machine's own limits.

Order: R3 (hashing, in this process); a scratch PostgreSQL database filled with users; R1
and R2 under the server; then Aurum (`aurum serve`, production settings, one worker per
core) and the scenarios S1-S13, each driven by wrk from its own process. Ratios are taken
between measurements of this one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from aurum.config import Settings
from aurum.security.hash_turns import TURN_HASHES
from bench import database, machine, servers, service
from bench.bars import judge
from bench.calibration import calibrate_with_a_small_hash
from bench.hash_bound import measure
from bench.loadgen import Load
from bench.references import measure_r1, measure_r2
from bench.report import Report, Row, bars_table, results_table, text_table
from bench.scenarios import TOKENS, run_all
from bench.writeup import explain, write

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True, slots=True)
class Options:
    quick: bool
    seconds: float
    users: int
    hashes: int
    connections: int
    workers: int
    server: str
    compare_servers: bool
    server_dsn: str
    output: Path
    logs: Path

    def load(
        self,
        script: str,
        url: str,
        *args: str,
        connections: int | None = None,
        seconds: float | None = None,
    ) -> Load:
        return Load(
            script, url, connections or self.connections, seconds or self.seconds, args=args
        )


def parse(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--seconds", type=float, help="per scenario (default 10; quick 3)")
    parser.add_argument("--users", type=int, help="users in the database (default 1,000,000)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--workers", type=int, default=servers.cores(), help="default: cores")
    parser.add_argument("--server", choices=servers.SERVERS, default=servers.DEFAULT_SERVER)
    parser.add_argument(
        "--compare-servers",
        action=argparse.BooleanOptionalAction,
        help="R1, S1 and S2 under every server too (default: on; off with --quick)",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER_DSN),
        help="PostgreSQL server URL; the run creates and drops its own database there",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    quick: bool = args.quick
    return Options(
        quick=quick,
        seconds=args.seconds or (3.0 if quick else 10.0),
        users=args.users or (100_000 if quick else 1_000_000),
        hashes=10 if quick else 40,
        connections=args.connections,
        workers=args.workers,
        server=args.server,
        compare_servers=(not quick) if args.compare_servers is None else args.compare_servers,
        server_dsn=args.database,
        output=args.output,
        logs=ROOT / "bench" / "results" / time.strftime("%Y%m%d-%H%M%S"),
    )


def progress(message: str) -> None:
    print(f"[bench] {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


async def run(options: Options, command: str) -> Report:
    report = Report()
    options.logs.mkdir(parents=True, exist_ok=True)
    load_before = machine.load_average()
    progress(f"R3: {options.hashes} Argon2id hashes")
    bound = measure(Settings(_env_file=None), options.hashes)
    async with database.scratch_database(options.server_dsn) as dsn:
        env = service.service_env(dsn, service.new_secret_key())
        progress(f"migrating and seeding {options.users:,} users")
        await asyncio.to_thread(service.prepare, env)
        seconds = await database.clone_users(dsn, service.ADMIN, options.users)
        report.notes.append(f"{options.users:,} users inserted in {seconds:.1f} s.")
        postgres = await machine.postgres_version(dsn)
        await references(options, dsn, report)
        for server in servers_to_run(options):
            progress(f"Aurum under {server}")
            await run_all(options, server, env, dsn, report, main=server == options.server)
            if server == options.server:
                await references_again(options, dsn, report)
                progress(f"R3 again: {options.hashes} Argon2id hashes")
                bound = bound.again(measure(Settings(_env_file=None), options.hashes))
                progress("S3x, S5x: sign-in and sign-up with a small hash (calibration)")
                await calibrate_with_a_small_hash(options, env, dsn, report, bound)
    report.facts = [
        (
            "run",
            ("smoke run (--quick)" if options.quick else "full run")
            + ", "
            + time.strftime("%Y-%m-%d %H:%M %Z"),
        ),
        ("command", f"`{command}`"),
        *machine.machine(),
        ("database", postgres),
        ("load average (1/5/15 min)", f"before {load_before}; after {machine.load_average()}"),
        (
            "server",
            f"`aurum serve --workers {options.workers} --server {options.server} "
            "--no-access-log`, ENVIRONMENT=production",
        ),
        ("load", f"wrk, {options.connections} connections, {options.seconds:g} s per scenario"),
        (
            "password hashing",
            f"SCHED_IDLE; hashing's turns after {TURN_HASHES} hash times without progress",
        ),
        ("users in the database", f"{options.users:,}"),
        (
            "R3",
            f"Argon2id {bound.parameters}: {bound.cpu_seconds_per_hash * 1000:.1f} ms CPU "
            f"per hash (mean of {_milliseconds(bound.measured)}, before and after the "
            f"scenarios); {bound.cores} cores / that = {bound.hashes_per_second:.1f} hashes/s",
        ),
    ]
    judge(report, bound)
    explain(report, bound)
    return report


def _milliseconds(seconds: tuple[float, ...]) -> str:
    return " and ".join(f"{value * 1000:.1f}" for value in seconds)


def servers_to_run(options: Options) -> list[str]:
    others = [s for s in servers.SERVERS if s != options.server]
    return [options.server, *(others if options.compare_servers else [])]


async def references(options: Options, dsn: str, report: Report) -> None:
    for server in servers_to_run(options):
        progress(f"R1 under {server}")
        key = "R1" if server == options.server else f"R1/{server}"
        result = await measure_r1(options.load, server, options.workers, options.logs)
        report.rows.append(Row(key, f"bare Starlette JSON ({server})", result))
    ids = await database.user_ids(dsn, TOKENS)
    for server in servers_to_run(options):
        progress(f"R2 under {server}")
        key = "R2" if server == options.server else f"R2/{server}"
        result = await measure_r2(options.load, server, options.workers, dsn, ids, options.logs)
        report.rows.append(Row(key, f"Starlette + EdDSA JWT + asyncpg row ({server})", result))


async def references_again(options: Options, dsn: str, report: Report) -> None:
    """R1 and R2 once more, after Aurum's scenarios: the bars divide by the mean of both
    measurements, so a machine that got faster or slower during the run biases no ratio."""
    progress("R1 and R2 again")
    result = await measure_r1(options.load, options.server, options.workers, options.logs)
    report.rows.append(Row("R1b", f"R1 again, after the scenarios ({options.server})", result))
    ids = await database.user_ids(dsn, TOKENS)
    result = await measure_r2(options.load, options.server, options.workers, dsn, ids, options.logs)
    report.rows.append(Row("R2b", f"R2 again, after the scenarios ({options.server})", result))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    options = parse(argv)
    command = shlex.join(["bench/run", *argv])
    started = time.monotonic()
    report = asyncio.run(run(options, command))
    print()
    print(text_table(results_table(report.rows)))
    print()
    print(text_table(bars_table(report.bars)))
    print()
    for note in report.notes:
        print(f"- {note}")
    write(report, options.output, quick=options.quick)
    progress(f"done in {time.monotonic() - started:.0f} s; wrote {options.output}")
    return 0
