"""Recording notices as jobs in the transaction that ends the session (docs/jobs.md).

The job runner is put in the sessionmaker's `info` by the lifespan, so the session store
can record notices with nothing but its database session. A session of another origin
has no runner: its notices are logged as not delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.backchannel.jobs import BACKCHANNEL_LOGOUT, logout_payload
from aurum.backchannel.notice import LogoutNotice
from aurum.jobs.runner import JobRunner

logger = logging.getLogger(__name__)

_KEY = "aurum_backchannel_logout"


def install(sessionmaker: async_sessionmaker[AsyncSession], jobs: JobRunner) -> None:
    sessionmaker.configure(info={_KEY: jobs})


def enqueue(db: AsyncSession, notices: Sequence[LogoutNotice]) -> None:
    jobs: JobRunner | None = db.sync_session.info.get(_KEY)
    if jobs is None:
        logger.error("%d logout token(s) not delivered: no job runner here", len(notices))
        return
    for notice in notices:
        jobs.enqueue(db, BACKCHANNEL_LOGOUT, logout_payload(notice))
