"""S3x, a calibration (not a bar): the sign-in of S3 with a hash too small to matter.

S3 is bound by Argon2id, and what a sign-in costs besides its hash decides how close it
comes to R3. That cost is measured twice: next to memory-hard hashes on the same cores
(S3), and here, with a 1 MiB, t=1 hash that leaves the caches alone. The difference is
what the hashes cost the rest of the work by sharing the cores with it.
"""

from __future__ import annotations

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
ACCOUNTS = 10_000  # accounts given the small hash (the first of the seeded ones)


async def sign_in_with_a_small_hash(
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
        login = (
            f"prefix={database.USER_PREFIX}",
            f"users={accounts}",
            f"password={service.PASSWORD}",
        )
        await loadgen.run(options.load("login.lua", running.base_url, *login, seconds=1))
        result = await running.measure(options.load("login.lua", running.base_url, *login))
    report.rows.append(
        Row("S3x", "POST /api/v1/token, 1 MiB t=1 hash (calibration, not a bar)", result)
    )
    settings = Settings(
        _env_file=None, argon2_memory_cost=SMALL_MEMORY_KIB, argon2_time_cost=SMALL_TIME_COST
    )
    explain(report, bound, measure(settings, options.hashes * 10).cpu_seconds_per_hash)


def explain(report: Report, bound: HashBound, small_hash_seconds: float) -> None:
    """The note that compares S3 with S3x."""
    full, small = report.result("S3"), report.result("S3x")
    if full is None or small is None or not full.server_cpu_us or not small.server_cpu_us:
        return
    hash_ms = bound.cpu_seconds_per_hash * 1000
    beside_full = full.server_cpu_us / 1000 - hash_ms
    beside_small = small.server_cpu_us / 1000 - small_hash_seconds * 1000
    report.notes.append(
        f"Besides its hash, a sign-in cost the server {beside_small:.1f} ms of CPU with a "
        f"1 MiB, t=1 hash (S3x) and {beside_full:.1f} ms next to Argon2id at the configured "
        f"parameters (S3, the hash counted at R3's {hash_ms:.1f} ms): "
        f"{beside_full / beside_small:.1f} x as much beside memory-hard hashes, which share "
        f"the cores and their caches. At {beside_small:.1f} ms a sign-in would reach "
        f"{hash_ms / (hash_ms + beside_small):.2f} x R3 by the server's CPU alone."
    )
