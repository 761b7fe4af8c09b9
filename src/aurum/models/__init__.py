"""All tables, imported here so Alembic and the mappers see every model."""

from aurum.models.auth_session import AuthSession, RefreshToken
from aurum.models.catalog import City, Province, Region
from aurum.models.company import Company, CompanyInvitation, CompanyMember
from aurum.models.signing_key import SigningKey
from aurum.models.user import Role, User
from aurum.models.xp import XpAward

__all__ = [
    "AuthSession",
    "City",
    "Company",
    "CompanyInvitation",
    "CompanyMember",
    "Province",
    "RefreshToken",
    "Region",
    "Role",
    "SigningKey",
    "User",
    "XpAward",
]
