"""All tables, imported here so Alembic and the mappers see every model."""

from aurum.models.auth_session import AuthSession, RefreshToken
from aurum.models.oauth_client import OAuthClient, TokenRevocation
from aurum.models.signing_key import SigningKey
from aurum.models.user import Role, User

__all__ = [
    "AuthSession",
    "OAuthClient",
    "RefreshToken",
    "Role",
    "SigningKey",
    "TokenRevocation",
    "User",
]
