"""OAuth clients, revoked service tokens, and the client and scope of a session.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
# Batch mode on SQLite reflects `sessions`; the tables it points to need not be reflected.
NO_REFERENCED_TABLES = {"resolve_fks": False}


def upgrade() -> None:
    op.create_table(
        "oauth_clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("grant_types", sa.JSON(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("first_party", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_oauth_clients_client_id")),
    )
    op.create_table(
        "token_revocations",
        sa.Column("jti", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["oauth_clients.client_id"],
            name=op.f("fk_token_revocations_client_id_oauth_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_token_revocations")),
    )
    op.create_index(op.f("ix_token_revocations_client_id"), "token_revocations", ["client_id"])
    op.create_index(op.f("ix_token_revocations_expires_at"), "token_revocations", ["expires_at"])
    with op.batch_alter_table("sessions", reflect_kwargs=NO_REFERENCED_TABLES) as batch:
        batch.add_column(sa.Column("client_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("scope", sa.String(1024), nullable=True))
        batch.create_index(batch.f("ix_sessions_client_id"), ["client_id"])
        batch.create_foreign_key(
            batch.f("fk_sessions_client_id_oauth_clients"),
            "oauth_clients",
            ["client_id"],
            ["client_id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    # Sign-ins made through a client cannot outlive the clients table.
    op.execute(sa.text("DELETE FROM sessions WHERE client_id IS NOT NULL"))
    with op.batch_alter_table("sessions", reflect_kwargs=NO_REFERENCED_TABLES) as batch:
        batch.drop_constraint(batch.f("fk_sessions_client_id_oauth_clients"), type_="foreignkey")
        batch.drop_index(batch.f("ix_sessions_client_id"))
        batch.drop_column("scope")
        batch.drop_column("client_id")
    op.drop_index(op.f("ix_token_revocations_expires_at"), table_name="token_revocations")
    op.drop_index(op.f("ix_token_revocations_client_id"), table_name="token_revocations")
    op.drop_table("token_revocations")
    op.drop_table("oauth_clients")
