"""All tables, imported here so Alembic and the mappers see every model."""

from aurum.models.account_token import AccountToken, TokenPurpose
from aurum.models.audit_event import AuditEvent
from aurum.models.auth_session import AuthSession, RefreshToken
from aurum.models.authorization import AuthorizationCode, Consent
from aurum.models.browser_session import BrowserSession, BrowserSessionClient
from aurum.models.catalog import City, Province, Region
from aurum.models.company import Company, CompanyInvitation, CompanyMember
from aurum.models.external_identity import ExternalIdentity
from aurum.models.job import Job, JobStatus
from aurum.models.mfa import RecoveryCode, TotpCredential
from aurum.models.oauth_client import OAuthClient, TokenRevocation
from aurum.models.signing_key import SigningKey
from aurum.models.user import Role, User
from aurum.models.webhook import WebhookAttempt, WebhookEndpoint, WebhookMessage
from aurum.models.xp import XpAward

__all__ = [
    "AccountToken",
    "AuditEvent",
    "AuthSession",
    "AuthorizationCode",
    "BrowserSession",
    "BrowserSessionClient",
    "City",
    "Company",
    "CompanyInvitation",
    "CompanyMember",
    "Consent",
    "ExternalIdentity",
    "Job",
    "JobStatus",
    "OAuthClient",
    "Province",
    "RecoveryCode",
    "RefreshToken",
    "Region",
    "Role",
    "SigningKey",
    "TokenPurpose",
    "TokenRevocation",
    "TotpCredential",
    "User",
    "WebhookAttempt",
    "WebhookEndpoint",
    "WebhookMessage",
    "XpAward",
]
