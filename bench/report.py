"""The results table, the bars (ratios within one run) and docs/benchmarks.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.loadgen import Measurement


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # "S2", "R1", ...
    title: str
    result: Measurement | None  # None: not measured (the note says why)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Bar:
    name: str
    measured: str
    target: str
    passed: bool | None  # None: could not be measured


@dataclass(frozen=True, slots=True)
class WorkerMemory:
    """MiB resident: a service worker, and the processes it started (password hashing)."""

    worker: float
    helpers: float

    @property
    def total(self) -> float:
        return self.worker + self.helpers


@dataclass(slots=True)
class Report:
    rows: list[Row] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)  # machine, versions, command
    notes: list[str] = field(default_factory=list)
    memory: list[WorkerMemory] = field(default_factory=list)  # per service worker

    def row(self, key: str) -> Row | None:
        return next((row for row in self.rows if row.key == key), None)

    def result(self, key: str) -> Measurement | None:
        row = self.row(key)
        return row.result if row else None


def results_table(rows: list[Row]) -> list[list[str]]:
    table = [
        [
            "",
            "scenario",
            "requests/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "requests",
            "server CPU µs/req",
        ]
    ]
    for row in rows:
        m = row.result
        if m is None:
            table.append([row.key, f"{row.title} ({row.note})", "n/a", "", "", "", "", ""])
            continue
        table.append(
            [
                row.key,
                row.title,
                f"{m.rps:,.1f}",
                f"{m.p50_ms:.2f}",
                f"{m.p99_ms:.2f}",
                str(m.errors),
                f"{m.requests:,}",
                "" if m.server_cpu_us is None else f"{m.server_cpu_us:,.0f}",
            ]
        )
    return table


def bars_table(bars: list[Bar]) -> list[list[str]]:
    table = [["bar", "measured", "target", "result"]]
    for bar in bars:
        verdict = "n/a" if bar.passed is None else "pass" if bar.passed else "FAIL"
        table.append([bar.name, bar.measured, bar.target, verdict])
    return table


def text_table(table: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for number, row in enumerate(table):
        cells = [
            c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(row, widths, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(table: list[list[str]]) -> str:
    header, *body = table
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if _numeric(c) else "---" for c in body[0]) + "|")
    lines.extend("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in body)
    return "\n".join(lines)


def _numeric(cell: str) -> bool:
    return bool(cell) and cell.replace(",", "").replace(".", "").replace("%", "").isdigit()


def markdown(report: Report, *, title: str, preface: str, explanation: str) -> str:
    facts = "\n".join(f"| {name} | {value} |" for name, value in report.facts)
    notes = "\n".join(f"- {note}" for note in report.notes) or "- (none)"
    return f"""# {title}

{preface}

## Machine, versions, command

| | |
|---|---|
{facts}

## Results

{markdown_table(results_table(report.rows))}

## Bars (ratios within this run)

{markdown_table(bars_table(report.bars))}

## Notes from this run

{notes}

{explanation}
"""
