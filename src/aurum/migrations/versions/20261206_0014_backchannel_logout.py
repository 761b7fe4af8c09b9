"""Back-channel logout: the address a client is told at when a person's session ends, and
which apps each browser session signed the person in to.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
NO_REFERENCED_TABLES = {"resolve_fks": False}


def upgrade() -> None:
    # Existing clients are not told: no address.
    with op.batch_alter_table("oauth_clients", reflect_kwargs=NO_REFERENCED_TABLES) as batch:
        batch.add_column(sa.Column("backchannel_logout_uri", sa.String(2048), nullable=True))
    op.create_table(
        "browser_session_clients",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_browser_session_clients_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["oauth_clients.client_id"],
            name=op.f("fk_browser_session_clients_client_id_oauth_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "client_id", name=op.f("pk_browser_session_clients")),
    )
    op.create_index(
        op.f("ix_browser_session_clients_client_id"), "browser_session_clients", ["client_id"]
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_browser_session_clients_client_id"), table_name="browser_session_clients"
    )
    op.drop_table("browser_session_clients")
    with op.batch_alter_table("oauth_clients", reflect_kwargs=NO_REFERENCED_TABLES) as batch:
        batch.drop_column("backchannel_logout_uri")
