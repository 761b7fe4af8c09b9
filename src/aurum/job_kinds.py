"""Every kind of background job the service runs, and what runs it (docs/jobs.md)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.account_mail.jobs import ACCOUNT_MAIL, AccountMailJobs
from aurum.account_mail.mailer import AccountMailer
from aurum.backchannel.jobs import LogoutJobs
from aurum.backchannel.notices import sessions_ended
from aurum.companies.invitation_mail import INVITATION_MAIL, InvitationMailJobs
from aurum.config import Settings
from aurum.jobs.housekeeping import Housekeeping
from aurum.jobs.kinds import JobRegistry
from aurum.mail.delivery import MailDelivery
from aurum.mail.senders import Sender
from aurum.webhooks.jobs import WebhookJobs


def job_registry(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    sender: Sender,
    logout: LogoutJobs,
) -> JobRegistry:
    delivery = MailDelivery(sender, settings)
    account_mail = AccountMailJobs(AccountMailer(sessionmaker, settings), delivery)
    return JobRegistry(
        [
            delivery.kind(ACCOUNT_MAIL, account_mail.run),
            delivery.kind(INVITATION_MAIL, InvitationMailJobs(delivery).run),
            Housekeeping(sessionmaker, settings, sessions_expired=sessions_ended).kind(),
            logout.kind(),
            WebhookJobs(sessionmaker, settings).kind(),
        ]
    )
