"""Keyset pagination: `{"items": [...], "next_cursor": ...}` with opaque cursors.

A cursor carries the sort key of the last item sent; the next page starts after it, so
pages stay fast at any depth and never skip or repeat rows when others are inserted.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from aurum.errors import AppError

T = TypeVar("T")
Key = str | int | datetime | uuid.UUID

MAX_CURSOR_LENGTH = 500


class InvalidCursor(AppError):
    status_code = 422
    code = "invalid_cursor"
    message = "The pagination cursor is not valid."
    message_es = "El cursor de paginación no es válido."


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(key: Sequence[Key]) -> str:
    values = [_dump(value) for value in key]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, shape: tuple[type[Key], ...]) -> tuple[Any, ...]:
    """The key a cursor carries, typed as `shape`; anything we did not issue is refused."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(shape):
            raise InvalidCursor
        return tuple(_load(value, kind) for value, kind in zip(values, shape, strict=True))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor from exc


def _dump(value: Key) -> str | int:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def _load(value: object, kind: type[Key]) -> Key:
    if kind is datetime and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise InvalidCursor
        return parsed
    if kind is uuid.UUID and isinstance(value, str):
        return uuid.UUID(value)
    if type(value) is kind and kind in (str, int):  # bool is an int to Python, not to us
        return value
    raise InvalidCursor
