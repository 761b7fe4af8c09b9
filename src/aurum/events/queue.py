"""How a message's delivery is queued: a job written in the session's transaction.

Services hold only a session when they publish an event, so the job runner rides on the
sessions: the service's sessionmaker carries it (`bind_job_runner`, in the lifespan), and
a command's session gets one (`aurum.console.session`). A process without a runner bound
cannot publish to a subscribed endpoint: that is a bug, and it fails loudly.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.jobs.runner import JobRunner

WEBHOOK_DELIVERY = "webhook.delivery"
_RUNNER = "aurum.job_runner"


def bind_job_runner(sessionmaker: async_sessionmaker[AsyncSession], runner: JobRunner) -> None:
    """Every session `sessionmaker` makes from now on can queue deliveries."""
    sessionmaker.configure(info={_RUNNER: runner})


def queue_delivery(session: AsyncSession, message_id: str) -> None:
    runner: JobRunner | None = session.info.get(_RUNNER)
    if runner is None:
        msg = "this session has no job runner bound (aurum.events.queue.bind_job_runner)"
        raise RuntimeError(msg)
    runner.enqueue(session, WEBHOOK_DELIVERY, {"message_id": message_id})
