"""XP awards by service clients: the ledger records the awarding client's id.

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Batch mode on SQLite reflects `xp_awards`; the tables it points to need not be reflected.
NO_REFERENCED_TABLES = {"resolve_fks": False}


def upgrade() -> None:
    # Existing rows were all awarded by users: the new column stays null for them.
    with op.batch_alter_table("xp_awards", reflect_kwargs=NO_REFERENCED_TABLES) as batch:
        batch.add_column(sa.Column("awarded_by_client_id", sa.String(64), nullable=True))
        batch.create_check_constraint(
            batch.f("ck_xp_awards_one_awarder"),
            "awarded_by_id IS NULL OR awarded_by_client_id IS NULL",
        )


def downgrade() -> None:
    # A client's awards stay in the ledger, named by `awarded_by` (its client id).
    with op.batch_alter_table("xp_awards", reflect_kwargs=NO_REFERENCED_TABLES) as batch:
        batch.drop_constraint(batch.f("ck_xp_awards_one_awarder"), type_="check")
        batch.drop_column("awarded_by_client_id")
