"""Each client may choose how its ID tokens are signed (id_token_signed_response_alg).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_REFERENCED_TABLES = {"resolve_fks": False}


def upgrade() -> None:
    # NULL: the service's default (ID_TOKEN_SIGNING_ALGORITHM), as for every client so far.
    with op.batch_alter_table("oauth_clients", reflect_kwargs=NO_REFERENCED_TABLES) as batch:
        batch.add_column(sa.Column("id_token_signed_response_alg", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oauth_clients", reflect_kwargs=NO_REFERENCED_TABLES) as batch:
        batch.drop_column("id_token_signed_response_alg")
