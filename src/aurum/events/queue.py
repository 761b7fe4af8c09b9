"""How a message's delivery is queued: a job written in the session's transaction.

A process without a runner bound to its sessions (`aurum.jobs.binding`) cannot publish to
a subscribed endpoint: that is a bug, and it fails loudly.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from aurum.jobs.binding import bound_job_runner

WEBHOOK_DELIVERY = "webhook.delivery"


def queue_delivery(session: AsyncSession, message_id: str) -> None:
    runner = bound_job_runner(session)
    if runner is None:
        msg = "this session has no job runner bound (aurum.jobs.binding.bind_job_runner)"
        raise RuntimeError(msg)
    runner.enqueue(session, WEBHOOK_DELIVERY, {"message_id": message_id})
