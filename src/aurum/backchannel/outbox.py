"""Handing notices to the delivery queue when, and only if, the transaction commits.

The queue is put in the sessionmaker's `info` by the lifespan, so the session store can
record notices with nothing but its database session. A session of another origin (a
command of the `aurum` CLI) has no queue: its notices are logged as not delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.backchannel.notice import LogoutNotice
from aurum.backchannel.queue import LogoutQueue
from aurum.db.after_commit import after_commit

logger = logging.getLogger(__name__)

_KEY = "aurum_backchannel_logout"


def install(sessionmaker: async_sessionmaker[AsyncSession], queue: LogoutQueue) -> None:
    sessionmaker.configure(info={_KEY: queue})


def enqueue(db: AsyncSession, notices: Sequence[LogoutNotice]) -> None:
    queue: LogoutQueue | None = db.sync_session.info.get(_KEY)
    if queue is None:
        logger.error("%d logout token(s) not delivered: no delivery queue here", len(notices))
        return
    after_commit(db, partial(queue.submit, notices))
