"""The account mail job: which message a payload asks for, built at delivery time.

Links are made here, when the job runs: the job row never holds a usable token."""

from __future__ import annotations

import uuid
from email.message import EmailMessage

from aurum.account_mail.mailer import AccountMailer
from aurum.client_info import ClientInfo
from aurum.jobs.kinds import JobContext, Payload, PermanentFailure
from aurum.mail.delivery import MailDelivery

ACCOUNT_MAIL = "mail.account"


class AccountMailJobs:
    def __init__(self, mailer: AccountMailer, delivery: MailDelivery) -> None:
        self.mailer = mailer
        self.delivery = delivery

    async def run(self, job: JobContext) -> None:
        await self.delivery.send(job, await self._message(job.payload))

    async def _message(self, payload: Payload) -> EmailMessage | None:
        mailer = self.mailer
        match payload.get("message"):
            case "verification":
                return await mailer.verification(uuid.UUID(payload["user_id"]))
            case "verification_by_email":
                return await mailer.verification_by_email(payload["email"])
            case "password_reset":
                client = ClientInfo(payload.get("user_agent"), payload.get("ip_address"))
                return await mailer.password_reset(payload["email"], client)
            case "registration_attempt":
                return await mailer.registration_attempt(payload["email"])
            case "email_changed":
                return await mailer.email_changed(payload["old_email"], payload["new_email"])
            case "mfa_reset":
                return await mailer.mfa_reset(payload["email"])
        raise PermanentFailure("unknown account message")
