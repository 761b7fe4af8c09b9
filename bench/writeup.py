"""docs/benchmarks.md: the run's facts and tables, what they mean, and why a bar is missed."""

from __future__ import annotations

from pathlib import Path

from bench.hash_bound import HashBound
from bench.report import Report, markdown

SMOKE = (
    "**This is a smoke run (`bench/run --quick`)**: short scenarios, fewer users, on a machine "
    "that may have been busy. It shows that the harness works end to end; its numbers are not "
    "the service's. The full run is `bench/run` on a quiet machine."
)
FULL = (
    "A full run of `bench/run`. Absolute numbers depend on the machine and on whatever else "
    "ran on it; the ratios, taken within this one run, are the result."
)

METHOD = """## What is measured

Every scenario runs the real service the production way: PostgreSQL (a database the run
creates and drops), `aurum serve` with one worker per core, ENVIRONMENT=production, no
reload, no debug, access log off. wrk drives the load from its own process on 127.0.0.1
(Lua scripts in `bench/lua/`), closed loop, 32 connections unless said otherwise.

| | what | how |
|---|---|---|
| R1 | bare Starlette app returning a small JSON | same server and workers as Aurum |
| R2 | the irreducible work of an authenticated read | bare Starlette: verify one EdDSA JWT with PyJWT, fetch one row by primary key with raw asyncpg |
| R3 | the password-hash bound | cores / CPU seconds per Argon2id hash at the configured parameters (CPU time, so a busy machine does not skew it) |
| S1 | `GET /health` | |
| S2 | `GET /api/v1/users/me` | 64 signed-in accounts' tokens, in turn |
| S3 | `POST /api/v1/token` | random accounts among all seeded users |
| S4 | `POST /api/v1/refresh-token` | each connection follows its own rotation chain (the token from each answer is the next one sent) |
| S5 | `POST /api/v1/users/register` | a new username each time |
| S6 | `POST /api/v1/oauth/introspect` | as a client registered through the admin API; n/a when the build has no token service |
| S7a | `/users/me`, paced | 8 connections, together about a quarter of S2's rate, nothing else running |
| S7b/S7c | the same paced reads during a login flood | S7b is the reads, S7c the logins (32 connections) at the same time |
| S8a/S8b | `GET /api/v1/users/?limit=10` | first page, and at a cursor 90% deep into all users |
| S8c | `?skip=` at the deepest offset allowed | for contrast: offsets get slower with depth, cursors do not |

The bars compare within the run: S1 / R1 (ideal >= 0.9), S2 / R2 >= 0.75, S3 and S5 / R3
>= 0.85, S4 >= 1,000 rotations/s, S6 / R2 >= 0.75, S7 reads' p99 during the flood <= 2 x
their p99 alone (or <= 10 ms) while logins keep >= 0.5 x R3, S8 deep page within 1.5 x of
the first, and each worker's resident memory after the run < 150 MiB. S7 paces the reads
on purpose: a closed loop of reads would take every cycle, and a login flood at the lowest
CPU priority would get none; the question S7 asks is whether logins stall the reads that
normal traffic makes.

Raw outputs (server logs, token files) of each run are kept in `bench/results/`."""


def explain(report: Report, bound: HashBound) -> None:
    """Notes that turn ratios into costs, so a missed bar says where the time goes."""
    rps = {row.key: row.result.rps for row in report.rows if row.result is not None}
    cores = bound.cores
    if "S1" in rps and "R1" in rps:
        extra = (1 / rps["S1"] - 1 / rps["R1"]) * cores * 1e6
        report.notes.append(
            f"FastAPI and the service's middleware cost about {extra:,.0f} µs of CPU per "
            "request more than bare Starlette (S1 vs R1)."
        )
    if "S2" in rps and "R2" in rps:
        extra = (1 / rps["S2"] - 1 / rps["R2"]) * cores * 1e6
        report.notes.append(
            f"An authenticated read costs about {extra:,.0f} µs of CPU more than the bare "
            "minimum (S2 vs R2): routing and dependency injection, the ORM, the session "
            "check in the same query, and the response model."
        )
    hash_ms = bound.cpu_seconds_per_hash * 1000
    for key, what in (("S3", "login"), ("S5", "registration")):
        if key in rps:
            spent = cores / rps[key] * 1000
            report.notes.append(
                f"Each {what} took {spent:.1f} ms of the machine's CPU, of which "
                f"{hash_ms:.1f} ms is the Argon2id hash ({hash_ms / spent:.0%})."
            )
    for key, label in (("S1/uvicorn", "S1"), ("S2/uvicorn", "S2"), ("S1/granian", "S1"),
                       ("S2/granian", "S2")):
        if key in rps and label in rps:
            report.notes.append(
                f"{label} under the other server ({key.split('/')[1]}): {rps[key]:,.0f} req/s "
                f"against {rps[label]:,.0f} with the chosen one."
            )


def write(report: Report, path: Path, *, quick: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    title = "Benchmark: smoke run" if quick else "Benchmark"
    text = markdown(report, title=title, preface=SMOKE if quick else FULL, explanation=METHOD)
    path.write_text(text)
