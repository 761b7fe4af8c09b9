"""Emails that account changes and requests cause, recorded as jobs in their transaction."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from aurum.account_mail.jobs import ACCOUNT_MAIL
from aurum.client_info import ClientInfo
from aurum.jobs.kinds import Payload
from aurum.jobs.runner import JobRunner
from aurum.models.user import User


class AccountNotices:
    def __init__(self, db: AsyncSession, jobs: JobRunner) -> None:
        self.db = db
        self.jobs = jobs

    def account_created(self, user_id: uuid.UUID) -> None:
        self._send({"message": "verification", "user_id": str(user_id)})

    def registration_conflict(self, email: str) -> None:
        """Someone signed up with a registered address: its owner is told, not the caller."""
        self._send({"message": "registration_attempt", "email": email})

    def email_changed(self, user: User, old_email: str) -> None:
        self._send({"message": "verification", "user_id": str(user.id)})
        self._send({"message": "email_changed", "old_email": old_email, "new_email": user.email})

    def mfa_reset(self, user: User) -> None:
        """An administrator turned the user's second factor off: the user is told."""
        self._send({"message": "mfa_reset", "email": user.email})

    def password_reset_requested(self, email: str, client: ClientInfo) -> None:
        """The lookup happens in the job, off the request path (no enumeration)."""
        self._send(
            {
                "message": "password_reset",
                "email": email,
                "ip_address": client.ip_address,
                "user_agent": client.user_agent,
            }
        )

    def verification_requested(self, email: str) -> None:
        self._send({"message": "verification_by_email", "email": email})

    def _send(self, payload: Payload) -> None:
        self.jobs.enqueue(self.db, ACCOUNT_MAIL, payload)
