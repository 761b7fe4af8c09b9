"""Options the operator's list and show commands share."""

from __future__ import annotations

from typing import Annotated

import typer

Json = Annotated[bool, typer.Option("--json", help="JSON for scripts, instead of a table.")]
Cursor = Annotated[str | None, typer.Option(help="Where the previous page ended (it prints it).")]
