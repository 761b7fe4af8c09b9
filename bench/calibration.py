"""S3x and S5x, calibrations (not bars): S3's sign-in and S5's sign-up with a hash too
small to matter.

S3 and S5 are bound by Argon2id, and what a request costs besides its hash decides how
close it comes to R3. That cost is measured twice: next to memory-hard hashes on the same
cores (S3, S5), and here, with a 1 MiB, t=1 hash that leaves the caches alone. The
difference is what the hashes cost the rest of the work by sharing the cores with it.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from pwdlib.hashers.argon2 import Argon2Hasher

from aurum.config import Settings
from bench import database, loadgen, servers, service
from bench.hash_bound import HashBound, measure
from bench.report import Report, Row
from bench.scenarios import serve_command

if TYPE_CHECKING:
    from bench.harness import Options

SMALL_MEMORY_KIB, SMALL_TIME_COST = 1024, 1  # Argon2id parameters never for production
SMALL = "1 MiB t=1 hash"
ACCOUNTS = 10_000  # accounts given the small hash (the first of the seeded ones)


async def calibrate_with_a_small_hash(
    options: Options, env: dict[str, str], dsn: str, report: Report, bound: HashBound
) -> None:
    accounts = min(options.users, ACCOUNTS)
    small = Argon2Hasher(memory_cost=SMALL_MEMORY_KIB, time_cost=SMALL_TIME_COST, parallelism=1)
    await database.rehash_users(dsn, accounts, small.hash(service.PASSWORD))
    small_env = env | {
        "ARGON2_MEMORY_COST": str(SMALL_MEMORY_KIB),
        "ARGON2_TIME_COST": str(SMALL_TIME_COST),
    }
    port = servers.free_port()
    command = serve_command(options.server, port, options.workers)
    log = options.logs / "aurum-small-hash.log"
    async with servers.serving(command, small_env, port, "/health/ready", log) as running:
        url = running.base_url
        login = (
            f"prefix={database.USER_PREFIX}",
            f"users={accounts}",
            f"password={service.PASSWORD}",
        )
        register = (f"tag=x{secrets.token_hex(3)}", f"password={service.PASSWORD}")
        await loadgen.run(options.load("login.lua", url, *login, seconds=1))
        s3x = await running.measure(options.load("login.lua", url, *login))
        s5x = await running.measure(options.load("register.lua", url, *register))
    report.rows.append(Row("S3x", f"POST /api/v1/token, {SMALL} (calibration, not a bar)", s3x))
    report.rows.append(Row("S5x", f"POST /api/v1/users/register, {SMALL} (calibration)", s5x))
    settings = Settings(
        _env_file=None, argon2_memory_cost=SMALL_MEMORY_KIB, argon2_time_cost=SMALL_TIME_COST
    )
    explain(report, bound, measure(settings, options.hashes * 10).cpu_seconds_per_hash)


def explain(report: Report, bound: HashBound, small_hash_seconds: float) -> None:
    """Notes that compare S3 with S3x and S5 with S5x."""
    hash_ms = bound.cpu_seconds_per_hash * 1000
    for key, what in (("S3", "sign-in"), ("S5", "sign-up")):
        full, small = report.result(key), report.result(f"{key}x")
        if full is None or small is None or not full.server_cpu_us or not small.server_cpu_us:
            continue
        beside_full = full.server_cpu_us / 1000 - hash_ms
        beside_small = small.server_cpu_us / 1000 - small_hash_seconds * 1000
        report.notes.append(
            f"Besides its hash, a {what} cost the server {beside_small:.1f} ms of CPU with a "
            f"{SMALL} ({key}x) and {beside_full:.1f} ms next to Argon2id at the configured "
            f"parameters ({key}, the hash counted at R3's {hash_ms:.1f} ms): "
            f"{beside_full / beside_small:.1f} x as much beside memory-hard hashes, which "
            f"share the cores and their caches. At {beside_small:.1f} ms a {what} would "
            f"reach {hash_ms / (hash_ms + beside_small):.2f} x R3 by the server's CPU alone."
        )
