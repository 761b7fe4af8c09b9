"""Users read as plain rows on the hot paths, then made ordinary detached `User`s.

A statement that selects these columns runs without an ORM session (`aurum.db.reads`);
the row becomes the same object a normal load would give, detached, ready to be attached
to a session with `merge(load=False)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, inspect
from sqlalchemy.orm import make_transient_to_detached

from aurum.models.user import User


def _columns(*, with_password_hash: bool) -> list[tuple[str, Column[Any]]]:
    """(attribute, column) for every column a normal load of User fetches (not deferred),
    and the password hash if asked."""
    return [
        (prop.key, prop.columns[0])  # type: ignore[misc]
        for prop in inspect(User).column_attrs
        if not prop.deferred or (with_password_hash and prop.key == "password_hash")
    ]


USER_COLUMNS = _columns(with_password_hash=False)
USER_COLUMNS_WITH_PASSWORD = _columns(with_password_hash=True)


def detached_user(columns: list[tuple[str, Column[Any]]], values: Sequence[Any]) -> User:
    """The `User` of a row of `columns` (the first values of `values`)."""
    user = User(**{key: value for (key, _), value in zip(columns, values, strict=False)})
    make_transient_to_detached(user)
    return user
