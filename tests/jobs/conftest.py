"""The service sending through the local SMTP server, as the account email tests use it."""

from tests.account_email.conftest import mail_accounts, mail_app, mail_client, mail_state

__all__ = ["mail_accounts", "mail_app", "mail_client", "mail_state"]
