from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from aurum.db.base import Base, Timestamps, UUIDPrimaryKey, utcnow


class OAuthClient(UUIDPrimaryKey, Timestamps, Base):
    """A registered OAuth client: a service (client credentials) or a first-party app."""

    __tablename__ = "oauth_clients"

    # The public identifier; sessions and revocations refer to it.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 of a 256-bit random secret: a slow hash would add nothing but latency.
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    grant_types: Mapped[list[str]] = mapped_column(JSON)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    # Only first-party apps may use the password grant; they are never asked for consent.
    first_party: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)
    # Sign-in through the browser (the authorization code grant): where the codes may go
    # (exact string match), and where the person may be sent after signing out.
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    post_logout_redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    # `client_secret_basic` / `client_secret_post`: a confidential client with a secret;
    # `none`: a public client (a single-page or mobile app), which has no secret.
    token_endpoint_auth_method: Mapped[str] = mapped_column(
        String(32), default="client_secret_basic"
    )
    # How its ID tokens are signed (OpenID Connect Dynamic Client Registration §2): RS256,
    # ES256 or Ed25519; None: the service's default, ID_TOKEN_SIGNING_ALGORITHM.
    id_token_signed_response_alg: Mapped[str | None] = mapped_column(String(16), default=None)


class TokenRevocation(Base):
    """A revoked service access token (client credentials tokens have no session)."""

    __tablename__ = "token_revocations"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("oauth_clients.client_id", ondelete="CASCADE"), index=True
    )
    # Kept until the token would have expired anyway, then purged.
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)
