"""All tables, imported here so Alembic and the mappers see every model."""

from aurum.models.audit_event import AuditEvent
from aurum.models.auth_session import AuthSession, RefreshToken
from aurum.models.signing_key import SigningKey
from aurum.models.user import Role, User

__all__ = ["AuditEvent", "AuthSession", "RefreshToken", "Role", "SigningKey", "User"]
