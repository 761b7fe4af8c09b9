"""docs/benchmarks.md: the run's facts and tables, what they mean, and why a bar is missed."""

from __future__ import annotations

from pathlib import Path

from bench.bars import reference
from bench.hash_bound import HashBound
from bench.report import Report, markdown
from bench.servers import SERVERS

SMOKE = (
    "**This is a smoke run (`bench/run --quick`)**: short scenarios, fewer users, on a machine "
    "that may have been busy. It shows that the harness works end to end; its numbers are not "
    "the service's. The full run is `bench/run` on a quiet machine."
)
FULL = (
    "A full run of `bench/run`. Absolute numbers depend on the machine and on whatever else "
    "ran on it; the ratios, taken within this one run, are the result."
)

METHOD = (Path(__file__).parent / "method.md").read_text()


def explain(report: Report, bound: HashBound) -> None:
    """Notes that turn ratios into costs, so a missed bar says where the time goes."""
    rps = {row.key: row.result.rps for row in report.rows if row.result is not None}
    for key in ("R1", "R2"):
        if key in rps and f"{key}b" in rps:
            report.notes.append(
                f"{key} served {rps[key]:,.0f} req/s before the scenarios and "
                f"{rps[f'{key}b']:,.0f} after them; the bars divide by the mean, "
                f"{reference(rps, key) or 0:,.0f}."
            )
            rps[key] = reference(rps, key) or rps[key]
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
    cpu = {
        r.key: r.result.server_cpu_us for r in report.rows if r.result and r.result.server_cpu_us
    }
    for key, base in (("S1", "R1"), ("S2", "R2")):
        if key in cpu and base in cpu:
            report.notes.append(
                f"Server CPU per request, {key} vs {base}: {cpu[key]:,.0f} µs vs "
                f"{cpu[base]:,.0f} µs, a ratio of {cpu[base] / cpu[key]:.2f} that, unlike "
                "requests/s, does not depend on what else the machine was running."
            )
    hash_ms = bound.cpu_seconds_per_hash * 1000
    for key, what in (("S3", "login"), ("S5", "registration")):
        if key in cpu:
            spent = cpu[key] / 1000
            report.notes.append(
                f"Each {what} cost the server {spent:.1f} ms of CPU, of which {hash_ms:.1f} ms "
                f"is the Argon2id hash ({hash_ms / spent:.0%}); by CPU alone the service "
                f"would reach {hash_ms / spent:.2f} x R3."
            )
    report.notes.extend(_code_flow_cost(cpu, cores))
    for other in SERVERS:
        for label in ("S1", "S2"):
            key = f"{label}/{other}"
            if key in rps and label in rps:
                report.notes.append(
                    f"{label} under the other server ({other}): {rps[key]:,.0f} req/s "
                    f"against {rps[label]:,.0f} with the chosen one."
                )
        if f"S2/{other}" in rps and f"R2/{other}" in rps and "S2" in rps and "R2" in rps:
            report.notes.append(
                f"S2 / R2, each server against its own R2: {rps['S2'] / rps['R2']:.2f} with the "
                f"chosen one, {rps[f'S2/{other}'] / rps[f'R2/{other}']:.2f} with {other}."
            )


def _code_flow_cost(cpu: dict[str, float], cores: int) -> list[str]:
    if "S10" not in cpu:
        return []
    per_flow = 2 * cpu["S10"]  # two requests a flow
    return [
        f"Each complete code flow (authorize with a live session, then the code exchanged "
        f"with PKCE and an RS256 ID token signed) cost the server {per_flow / 1000:.2f} ms of "
        f"CPU: {cores / (per_flow / 1e6):,.0f} flows/s by CPU alone on {cores} cores."
    ]


def write(report: Report, path: Path, *, quick: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    title = "Benchmark: smoke run" if quick else "Benchmark"
    text = markdown(report, title=title, preface=SMOKE if quick else FULL, explanation=METHOD)
    path.write_text(text)
