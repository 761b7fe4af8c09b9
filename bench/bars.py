"""The issue's bars, as ratios between measurements of one run."""

from __future__ import annotations

from bench.hash_bound import HashBound
from bench.report import Bar, Report

MEMORY_LIMIT_MIB = 150
S7_FLOOR_MS = 10.0
S4_TARGET = 1000.0
S9_SHARE = 0.4  # each of sign-ins and reads keeps this much while the other saturates
S10_FLOWS = 500.0  # complete code flows per second
S13_KEPT = 0.95  # /users/me with metrics on keeps this share of its rate with them off


def _ratio(name: str, value: float | None, base: float | None, target: float, unit: str) -> Bar:
    if value is None or not base:
        return Bar(name, "n/a", f">= {target:.2f} x {unit}", None)
    ratio = value / base
    return Bar(
        name, f"{ratio:.2f} ({value:,.1f} / {base:,.1f})", f">= {target:.2f}", ratio >= target
    )


def reference(rps: dict[str, float], key: str) -> float | None:
    """R1 or R2: the mean of its measurements before and after the scenarios (`R2b`)."""
    values = [rps[name] for name in (key, f"{key}b") if name in rps]
    return sum(values) / len(values) if values else None


def judge(report: Report, bound: HashBound) -> None:
    rps = {row.key: row.result.rps for row in report.rows if row.result is not None}
    r1, r2 = reference(rps, "R1"), reference(rps, "R2")
    r3 = bound.hashes_per_second
    bars = [
        _ratio("S1 / R1 (framework cost; ideal)", rps.get("S1"), r1, 0.9, "R1"),
        _ratio("S2 / R2", rps.get("S2"), r2, 0.75, "R2"),
        _ratio("S3 / R3 (logins)", rps.get("S3"), r3, 0.85, "R3"),
        _ratio("S5 / R3 (registrations)", rps.get("S5"), r3, 0.85, "R3"),
        _ratio("S6 / R2 (introspection)", rps.get("S6"), r2, 0.75, "R2"),
    ]
    s4 = rps.get("S4")
    bars.append(
        Bar(
            "S4 rotations/s",
            "n/a" if s4 is None else f"{s4:,.1f}",
            f">= {S4_TARGET:,.0f}",
            None if s4 is None else s4 >= S4_TARGET,
        )
    )
    bars.extend(_mixed(report, r3))
    bars.extend(_availability(report, r3))
    bars.extend(_provider(report, rps, r2, r3))
    bars.append(
        _ratio(
            "S13 /users/me with metrics on / off",
            rps.get("S13b"),
            rps.get("S13a"),
            S13_KEPT,
            "S13a",
        )
    )
    bars.append(_listing(report))
    bars.append(_memory(report))
    report.bars = bars


def _mixed(report: Report, r3: float) -> list[Bar]:
    alone, during, flood = report.result("S7a"), report.result("S7b"), report.result("S7c")
    if alone is None or during is None or flood is None:
        return [Bar("S7 /users/me p99 during logins", "n/a", "", None)]
    limit = max(2 * alone.p99_ms, S7_FLOOR_MS)
    return [
        Bar(
            "S7 /users/me p99 during logins",
            f"{during.p99_ms:.2f} ms (alone {alone.p99_ms:.2f} ms)",
            f"<= {limit:.2f} ms (2 x alone, or 10 ms)",
            during.p99_ms <= limit,
        ),
        _ratio("S7 logins during reads / R3", flood.rps, r3, 0.5, "R3"),
    ]


def _availability(report: Report, r3: float) -> list[Bar]:
    alone, reads, sign_ins = report.result("S9a"), report.result("S9b"), report.result("S9c")
    return [
        _ratio(
            "S9 sign-ins during a read flood / R3",
            None if sign_ins is None else sign_ins.rps,
            r3,
            S9_SHARE,
            "R3",
        ),
        _ratio(
            "S9 reads during a sign-in flood / reads alone",
            None if reads is None else reads.rps,
            None if alone is None else alone.rps,
            S9_SHARE,
            "S9a",
        ),
    ]


def _provider(report: Report, rps: dict[str, float], r2: float | None, r3: float) -> list[Bar]:
    flows = report.result("S10")
    rate = None if flows is None else flows.rps / 2  # two requests a flow
    return [
        Bar(
            "S10 complete code flows/s",
            "n/a" if rate is None else f"{rate:,.1f}",
            f">= {S10_FLOWS:,.0f}",
            None if rate is None else rate >= S10_FLOWS,
        ),
        _ratio("S11 / R3 (hosted sign-in)", rps.get("S11"), r3, 0.85, "R3"),
        _ratio("S12 / R2 (userinfo)", rps.get("S12"), r2, 0.75, "R2"),
    ]


def _listing(report: Report) -> Bar:
    first, deep = report.result("S8a"), report.result("S8b")
    if first is None or deep is None or not deep.rps:
        return Bar("S8 deep cursor vs first page", "n/a", "", None)
    slowdown = first.rps / deep.rps
    return Bar(
        "S8 deep cursor vs first page (time per request)",
        f"{slowdown:.2f} x ({deep.rps:,.1f} vs {first.rps:,.1f} req/s)",
        "<= 1.50 x",
        slowdown <= 1.5,
    )


def _memory(report: Report) -> Bar:
    name = "memory per worker after the run (with its hashing process)"
    if not report.memory:
        return Bar(name, "n/a", f"< {MEMORY_LIMIT_MIB} MiB", None)
    worst = max(memory.total for memory in report.memory)
    sizes = ", ".join(f"{m.worker:.0f} + {m.helpers:.0f}" for m in report.memory)
    return Bar(
        name,
        f"{worst:.0f} MiB (worker + hashing process: {sizes})",
        f"< {MEMORY_LIMIT_MIB} MiB",
        worst < MEMORY_LIMIT_MIB,
    )
