"""Run callbacks once the request's transaction has committed (and never if it rolls back).

Used to hand work to background tasks (such as sending an email) only when the rows it
depends on are visible to other connections.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "aurum_after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    sync_session = session.sync_session
    callbacks: list[Callable[[], None]] | None = sync_session.info.get(_KEY)
    if callbacks is None:
        callbacks = sync_session.info[_KEY] = []
        event.listen(sync_session, "after_commit", _on_commit)
        event.listen(sync_session, "after_transaction_end", _on_end)
    callbacks.append(callback)


def _on_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released; the outer transaction may still roll back
    callbacks: list[Callable[[], None]] = session.info.get(_KEY, [])
    session.info[_KEY] = []
    for callback in callbacks:
        callback()


def _on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info[_KEY] = []  # committed callbacks already ran; the rest rolled back
