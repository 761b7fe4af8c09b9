"""All tables, imported here so Alembic and the mappers see every model."""

from aurum.models.account_token import AccountToken, TokenPurpose
from aurum.models.audit_event import AuditEvent
from aurum.models.auth_session import AuthSession, RefreshToken
from aurum.models.external_identity import ExternalIdentity
from aurum.models.mfa import RecoveryCode, TotpCredential
from aurum.models.oauth_client import OAuthClient, TokenRevocation
from aurum.models.signing_key import SigningKey
from aurum.models.user import Role, User

__all__ = [
    "AccountToken",
    "AuditEvent",
    "AuthSession",
    "ExternalIdentity",
    "OAuthClient",
    "RecoveryCode",
    "RefreshToken",
    "Role",
    "SigningKey",
    "TokenPurpose",
    "TokenRevocation",
    "TotpCredential",
    "User",
]
