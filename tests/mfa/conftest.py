"""The mail fixtures of tests/account_email, for tests that read what a change emailed."""

from __future__ import annotations

from tests.account_email.conftest import mail_accounts, mail_app, mail_client, mail_state

__all__ = ["mail_accounts", "mail_app", "mail_client", "mail_state"]
