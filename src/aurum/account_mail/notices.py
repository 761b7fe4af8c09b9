"""Emails that account changes trigger, queued once the change has committed."""

from __future__ import annotations

import uuid
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from aurum.account_mail.mailer import AccountMailer
from aurum.db.after_commit import after_commit
from aurum.mail.queue import MailJob, MailQueue
from aurum.models.user import User


class AccountNotices:
    def __init__(self, db: AsyncSession, mail: MailQueue, mailer: AccountMailer) -> None:
        self.db = db
        self.mail = mail
        self.mailer = mailer

    def account_created(self, user_id: uuid.UUID) -> None:
        self._after_commit(partial(self.mailer.verification, user_id))

    def registration_conflict(self, email: str) -> None:
        """Someone signed up with a registered address: its owner is told, not the caller."""
        self._after_commit(partial(self.mailer.registration_attempt, email))

    def email_changed(self, user: User, old_email: str) -> None:
        self._after_commit(partial(self.mailer.verification, user.id))
        self._after_commit(partial(self.mailer.email_changed, old_email, user.email))

    def mfa_reset(self, user: User) -> None:
        """An administrator turned the user's second factor off: the user is told."""
        self._after_commit(partial(self.mailer.mfa_reset, user.email))

    def _after_commit(self, job: MailJob) -> None:
        after_commit(self.db, partial(self.mail.submit, job))
