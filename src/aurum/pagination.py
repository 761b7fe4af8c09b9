"""Keyset pagination: `{"items": [...], "next_cursor": ...}` with opaque cursors."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel

from aurum.users.errors import InvalidCursor

T = TypeVar("T")
Key = str | int

MAX_CURSOR_LENGTH = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(key: Sequence[Key]) -> str:
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, shape: tuple[type[Key], ...]) -> tuple[Key, ...]:
    """The key a cursor carries; anything we did not issue is `InvalidCursor`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor from exc
    if not isinstance(values, list) or len(values) != len(shape):
        raise InvalidCursor
    # bool is an int to Python, never to us.
    if not all(type(v) is kind for v, kind in zip(values, shape, strict=True)):
        raise InvalidCursor
    return tuple(values)
