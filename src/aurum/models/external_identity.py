from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base, UUIDPrimaryKey, utcnow


class ExternalIdentity(UUIDPrimaryKey, Base):
    """An account at an external sign-in provider (`iss` + `sub`), linked to a local user."""

    __tablename__ = "external_identities"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    # The address the provider gave when the link was made; the user's own may differ.
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("issuer", "subject"),)
