"""How commands print records: an aligned table for people, JSON for scripts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import typer
from pydantic import BaseModel

Cell = str | int | bool | datetime | None


def cell(value: Cell) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}Z"
    return str(value)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    """Columns as wide as their widest cell; the last one is not padded."""
    text = [list(headers), *([cell(value) for value in row] for row in rows)]
    widths = [max(len(line[i]) for line in text) for i in range(len(headers))]
    for line in text:
        padded = [value.ljust(width) for value, width in zip(line, widths, strict=True)]
        typer.echo("  ".join(padded).rstrip())


def print_fields(fields: Mapping[str, Cell]) -> None:
    """One record, a `name: value` line per field."""
    width = max(len(name) for name in fields)
    for name, value in fields.items():
        typer.echo(f"{name + ':':<{width + 1}}  {cell(value)}")


def print_json(model: BaseModel) -> None:
    typer.echo(model.model_dump_json(indent=2))
