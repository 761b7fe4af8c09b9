"""Ecuador's catalogs, user profiles, companies with members and invitations, XP ledger.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

The catalog rows are loaded by `aurum catalogs load` (and on start where the schema
migrates itself), not here: the data file is the source, and loading is idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
LIVE = sa.text("deleted_at IS NULL")
ROLES = ("owner", "admin", "editor", "viewer")
USER_LOCATION = (("region_id", "regions"), ("province_id", "provinces"), ("city_id", "cities"))


def _catalog_table(name: str, code_length: int, *extra: sa.Column[Any] | sa.Constraint) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(code_length), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(100), nullable=False),
        *extra,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("code", name=op.f(f"uq_{name}_code")),
    )
    op.create_index(f"ix_{name}_name_key_id", name, ["name_key", "id"])


def _create_catalogs() -> None:
    _catalog_table("regions", 16)
    _catalog_table(
        "provinces",
        2,
        sa.Column("capital", sa.String(100), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_provinces_region_id_regions")
        ),
    )
    op.create_index(op.f("ix_provinces_region_id"), "provinces", ["region_id"])
    _catalog_table(
        "cities",
        4,
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("is_capital", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_cities_province_id_provinces")
        ),
    )
    op.create_index(op.f("ix_cities_province_id"), "cities", ["province_id"])


def _add_profile() -> None:
    # A column-level REFERENCES is the one way SQLite adds a foreign key in place; a batch
    # copy of `users` would lose its expression index. PostgreSQL accepts the same DDL.
    for column, table in USER_LOCATION:
        op.execute(
            f"ALTER TABLE users ADD COLUMN {column} INTEGER "
            f"CONSTRAINT fk_users_{column}_{table} REFERENCES {table} (id)"
        )
        op.create_index(f"ix_users_{column}", "users", [column])
    op.add_column(
        "users",
        sa.Column(
            "gender",
            sa.Enum(
                "masculino",
                "femenino",
                "otro",
                "prefiero_no_decir",
                name="gender",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
    )
    op.add_column("users", sa.Column("birth_date", sa.Date(), nullable=True))
    op.add_column(
        "users", sa.Column("xp_total", sa.BigInteger(), server_default="0", nullable=False)
    )
    op.create_index("ix_users_xp_total", "users", ["xp_total"])


def _drop_profile() -> None:
    op.drop_index("ix_users_xp_total", table_name="users")
    for column in ("xp_total", "birth_date", "gender"):
        op.drop_column("users", column)
    for column, _ in reversed(USER_LOCATION):
        op.drop_index(f"ix_users_{column}", table_name="users")
        op.drop_column("users", column)  # its foreign key goes with it


def _create_companies() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("name_key", sa.String(120), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "real_nacional",
                "real_internacional",
                "ficticia_educativa",
                name="companykind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("industry", sa.String(100), nullable=True),
        sa.Column("short_description", sa.String(280), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("website", sa.String(2048), nullable=True),
        sa.Column("social_links", sa.JSON(), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column(
            "partnership_tier",
            sa.Enum(
                "none",
                "bronze",
                "silver",
                "gold",
                name="partnershiptier",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_companies_city_id_cities")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_companies_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("slug", name=op.f("uq_companies_slug")),
    )
    op.create_index(op.f("ix_companies_city_id"), "companies", ["city_id"])
    op.create_index(op.f("ix_companies_created_by_id"), "companies", ["created_by_id"])
    op.create_index("ix_companies_name_key_id", "companies", ["name_key", "id"])
    op.create_index(
        "uq_companies_name_key_live",
        "companies",
        ["name_key"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def _role_column() -> sa.Column[str]:
    return sa.Column(
        "role",
        sa.Enum(*ROLES, name="companyrole", native_enum=False, length=16),
        nullable=False,
    )


def _user_fk(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def _create_members() -> None:
    op.create_table(
        "company_members",
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _role_column(),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_members_company_id_companies"),
            ondelete="CASCADE",
        ),
        _user_fk("company_members", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("company_id", "user_id", name=op.f("pk_company_members")),
    )
    op.create_index(op.f("ix_company_members_user_id"), "company_members", ["user_id"])
    op.create_table(
        "company_invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        _role_column(),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("invited_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("accepted_at", TIMESTAMP, nullable=True),
        sa.Column("accepted_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_invitations_company_id_companies"),
            ondelete="CASCADE",
        ),
        _user_fk("company_invitations", "invited_by_id", "SET NULL"),
        _user_fk("company_invitations", "accepted_by_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_company_invitations_token_hash")),
    )
    for column in ("company_id", "email", "invited_by_id", "accepted_by_id"):
        op.create_index(op.f(f"ix_company_invitations_{column}"), "company_invitations", [column])


def _create_xp() -> None:
    op.create_table(
        "xp_awards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("awarded_by_id", sa.Uuid(), nullable=True),
        sa.Column("awarded_by", sa.String(100), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_xp_awards_amount_positive")),
        _user_fk("xp_awards", "user_id", "CASCADE"),
        _user_fk("xp_awards", "awarded_by_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xp_awards")),
    )
    op.create_index(
        "ix_xp_awards_user_id_created_at_id", "xp_awards", ["user_id", "created_at", "id"]
    )
    op.create_index(op.f("ix_xp_awards_awarded_by_id"), "xp_awards", ["awarded_by_id"])


def upgrade() -> None:
    _create_catalogs()
    _add_profile()
    _create_companies()
    _create_members()
    _create_xp()


def downgrade() -> None:
    op.drop_table("xp_awards")
    op.drop_table("company_invitations")
    op.drop_table("company_members")
    op.drop_table("companies")
    _drop_profile()
    op.drop_table("cities")
    op.drop_table("provinces")
    op.drop_table("regions")
