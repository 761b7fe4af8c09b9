"""Accounts linked to subjects of the single sign-on provider."""
