from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base, UUIDPrimaryKey, utcnow


class XpAward(UUIDPrimaryKey, Base):
    """One line of the append-only XP ledger; a user's `xp_total` is the sum of theirs."""

    __tablename__ = "xp_awards"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200))
    # Who awarded it: a user (awarded_by_id, SET NULL when that account is deleted) or a
    # service client (awarded_by_client_id, never null for its awards); `awarded_by` is the
    # username or the client id as it was then, so the ledger still says who after either
    # goes. A client id is random and never reused, so it needs no foreign key.
    awarded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    awarded_by_client_id: Mapped[str | None] = mapped_column(String(64))
    awarded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def awarded_by_type(self) -> Literal["user", "client"]:
        return "client" if self.awarded_by_client_id is not None else "user"

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "awarded_by_id IS NULL OR awarded_by_client_id IS NULL", name="one_awarder"
        ),
        Index("ix_xp_awards_user_id_created_at_id", "user_id", "created_at", "id"),
    )
