"""The webhook delivery job: one attempt per run; the job runner retries with back-off."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.config import Settings
from aurum.events.queue import WEBHOOK_DELIVERY, queue_delivery
from aurum.jobs.kinds import (
    JobContext,
    JobKind,
    PermanentFailure,
    TemporaryFailure,
)
from aurum.webhooks.delivery import Outcome, WebhookDelivery, build_webhook_client
from aurum.webhooks.signing import SecretBox


class WebhookJobs:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.box = SecretBox(settings.secret_key.get_secret_value())

    def kind(self) -> JobKind:
        settings = self.settings
        return JobKind(
            WEBHOOK_DELIVERY,
            self.run,
            max_attempts=settings.webhook_max_attempts,
            retry_base=timedelta(seconds=settings.webhook_retry_base_seconds),
            retry_max=timedelta(seconds=settings.webhook_retry_max_seconds),
        )

    async def run(self, job: JobContext) -> None:
        message_id = job.payload.get("message_id")
        if not isinstance(message_id, str):
            raise PermanentFailure("payload without a message id")
        last = job.attempt >= self.settings.webhook_max_attempts
        # One connection per attempt: an endpoint's messages go one at a time anyway.
        async with build_webhook_client(self.settings) as http:
            delivery = WebhookDelivery(
                self.sessionmaker,
                http,
                self.box,
                self.settings.webhook_timeout_seconds,
                queue_delivery,
            )
            outcome = await delivery.attempt(message_id, last=last)
        if outcome is Outcome.RETRY:
            raise TemporaryFailure("not delivered (the endpoint's delivery log says why)")
        if outcome is Outcome.DEAD:
            raise PermanentFailure("refused or given up (the endpoint's delivery log says why)")
