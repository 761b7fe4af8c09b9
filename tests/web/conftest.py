"""Pages reuse the account-email fixtures: the service sending through a local SMTP server."""

from tests.account_email.conftest import mail_accounts, mail_app, mail_client, mail_state

__all__ = ["mail_accounts", "mail_app", "mail_client", "mail_state"]
