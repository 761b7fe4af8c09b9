from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base, utcnow


class SigningKey(Base):
    """An asymmetric JWT signing key. The private half is encrypted at rest."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    private_key: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a newer key takes over signing; the key still verifies until `retired_at`.
    superseded_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
