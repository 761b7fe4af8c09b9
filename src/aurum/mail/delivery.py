"""Sending a message as a job: one stable Message-ID per job, retries as the mail settings say."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from aurum.config import Settings
from aurum.jobs.kinds import Handler, JobContext, JobKind
from aurum.mail.senders import Sender


class MailDelivery:
    def __init__(self, sender: Sender, settings: Settings) -> None:
        self.sender = sender
        self.settings = settings

    async def send(self, job: JobContext, message: EmailMessage | None) -> None:
        """Hand `message` to the mail server; None: nothing to send (e.g. no such account).

        Every attempt of a job carries the same Message-ID, so a receiver that got a message
        whose acceptance was lost on the way back can drop the copy."""
        if message is None:
            return
        domain = parseaddr(str(message["From"]))[1].rpartition("@")[2] or "localhost"
        del message["Message-ID"]
        message["Message-ID"] = f"<{job.id}@{domain}>"
        await self.sender.send(message)

    def kind(self, name: str, handler: Handler) -> JobKind:
        """A mail job kind, retried `MAIL_MAX_ATTEMPTS` times from `MAIL_RETRY_BASE_SECONDS`."""
        return JobKind(
            name,
            handler,
            max_attempts=self.settings.mail_max_attempts,
            retry_base=timedelta(seconds=self.settings.mail_retry_base_seconds),
        )
