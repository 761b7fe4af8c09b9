"""Recording notices as jobs in the transaction that ends the session (docs/jobs.md).

The session store records notices with nothing but its database session, through the job
runner bound to it (`aurum.jobs.binding`). A session with no runner bound logs its notices
as not delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from aurum.backchannel.jobs import BACKCHANNEL_LOGOUT, logout_payload
from aurum.backchannel.notice import LogoutNotice
from aurum.jobs.binding import bound_job_runner

logger = logging.getLogger(__name__)


def enqueue(db: AsyncSession, notices: Sequence[LogoutNotice]) -> None:
    jobs = bound_job_runner(db)
    if jobs is None:
        logger.error("%d logout token(s) not delivered: no job runner here", len(notices))
        return
    for notice in notices:
        jobs.enqueue(db, BACKCHANNEL_LOGOUT, logout_payload(notice))
