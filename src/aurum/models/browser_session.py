from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base, utcnow


class BrowserSession(Base):
    """A person signed in at Aurum's own pages: the cookie of one sign-in session.

    The session row (`sessions`) gives it its user, times and revocation, so everything
    that ends sessions (signing out everywhere, an admin, a password change, disabling the
    account) ends it too, and it is listed with the user's other sessions."""

    __tablename__ = "browser_sessions"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    # SHA-256 of the cookie's 256-bit random value.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # How the person proved who they are (RFC 8176): ["pwd"] or ["pwd", "otp"].
    amr: Mapped[list[str]] = mapped_column(JSON)


class BrowserSessionClient(Base):
    """An app that signed the person in through a browser session, and has a back-channel
    logout URI: it is told when the session ends. Kept as long as the session (codes are
    purged within minutes)."""

    __tablename__ = "browser_session_clients"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[str] = mapped_column(
        ForeignKey("oauth_clients.client_id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
