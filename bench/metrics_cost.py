"""S13: what metrics cost an authenticated read, measured side by side in one run.

A second `aurum serve`, the same in every way but with metrics on (METRICS_PORT), runs
beside the service of S1-S12 (metrics off), on the same database and signing keys, so
the same tokens work on both. Their `/users/me` reads are measured in turns, off, on, on,
off (each half a scenario's time): a machine that speeds up or slows down during the four
tilts neither side. The bar compares the two sides' rates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from bench import loadgen, servers
from bench.loadgen import Measurement
from bench.report import Report, Row

if TYPE_CHECKING:
    from bench.scenarios import Target

ORDER = (False, True, True, False)  # metrics on? ABBA cancels a linear drift
SCRAPED = "aurum_http_request_duration_seconds_count"


def combined(parts: list[Measurement]) -> Measurement:
    """Several runs of one load as one: totals, the worst tail, CPU per request overall."""
    requests = sum(part.requests for part in parts)
    cpu = [part.server_cpu_us for part in parts]
    cpu_us = (
        None
        if requests == 0 or any(value is None for value in cpu)
        else sum((part.server_cpu_us or 0.0) * part.requests for part in parts) / requests
    )
    return Measurement(
        requests=requests,
        seconds=sum(part.seconds for part in parts),
        p50_ms=sum(part.p50_ms * part.requests for part in parts) / max(requests, 1),
        p99_ms=max(part.p99_ms for part in parts),
        max_ms=max(part.max_ms for part in parts),
        errors=sum(part.errors for part in parts),
        server_cpu_us=cpu_us,
    )


def scraped_reads(text: str) -> float:
    """The `/users/me` 200s a scrape counted (every worker's)."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(SCRAPED) and 'route="/api/v1/users/me"' in line and '"200"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


async def measure_metrics_cost(
    target: Target, command: list[str], env: dict[str, str], report: Report
) -> None:
    options, port, metrics_port = target.options, servers.free_port(), servers.free_port()
    metered_command = [*command]
    metered_command[metered_command.index("--port") + 1] = str(port)
    metered_env = {**env, "METRICS_PORT": str(metrics_port)}
    log = options.logs / "aurum-metrics-on.log"
    async with servers.serving(metered_command, metered_env, port, "/health/ready", log) as on:
        sides = {False: target.server, True: on}
        await loadgen.run(options.load("get.lua", on.base_url, *target.me(), seconds=1))
        runs: dict[bool, list[Measurement]] = {False: [], True: []}
        for metered in ORDER:
            server = sides[metered]
            load = options.load(
                "get.lua", server.base_url, *target.me(), seconds=options.seconds / 2
            )
            runs[metered].append(await server.measure(load))
        async with httpx.AsyncClient() as http:
            scrape = await http.get(f"http://127.0.0.1:{metrics_port}/metrics")
    off, metered_reads = combined(runs[False]), combined(runs[True])
    report.rows.append(Row("S13a", "GET /api/v1/users/me, metrics off (S13 turns)", off))
    report.rows.append(Row("S13b", "GET /api/v1/users/me, metrics on (S13 turns)", metered_reads))
    counted = scraped_reads(scrape.text)
    report.notes.append(
        f"S13: the metrics port counted {counted:,.0f} `/users/me` reads for the "
        f"{metered_reads.requests:,} wrk made with metrics on (plus its warm-up); scraped "
        "once, after the measurement."
    )
