"""Accent- and case-insensitive search that behaves the same on SQLite and PostgreSQL.

Neither backend folds accents the same way (SQLite has no `unaccent`, and its `lower()` is
ASCII-only), so the folding happens here, in Python: searchable tables store a key column
computed by `search_key`, and queries compare keys with a plain `LIKE`.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute


def search_key(text: str) -> str:
    """Lower-case, without accents or control characters, single-spaced: " Cañar " → "canar"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(
        char
        for char in decomposed
        if not unicodedata.combining(char) and unicodedata.category(char) != "Cc"
    )
    return " ".join(bare.casefold().split())


def matches(column: InstrumentedAttribute[str], query: str) -> ColumnElement[bool]:
    """`column` (a search key) contains the folded `query`; `%` and `_` match literally."""
    escaped = search_key(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    result: Any = column.like(f"%{escaped}%", escape="\\")
    return result  # type: ignore[no-any-return]
