"""Organizations, branches, financial years, states (seeded) and stations.

Revision ID: 413082b0e67c
Revises: 70ce705068ef
Create Date: 2026-11-28 10:18:39.183112+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "413082b0e67c"
down_revision: str | Sequence[str] | None = "70ce705068ef"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# GST state codes in use (2020 on): 25 (Daman and Diu) merged into 26 with Dadra and Nagar
# Haveli; 28 (undivided Andhra Pradesh) is not used under GST; 97 covers offshore areas.
# A frozen copy: tradehub.kit.identifiers.GST_STATE_CODES must stay equal (a test checks).
STATES = [
    ("01", "Jammu and Kashmir", "union_territory"),
    ("02", "Himachal Pradesh", "state"),
    ("03", "Punjab", "state"),
    ("04", "Chandigarh", "union_territory"),
    ("05", "Uttarakhand", "state"),
    ("06", "Haryana", "state"),
    ("07", "Delhi", "union_territory"),
    ("08", "Rajasthan", "state"),
    ("09", "Uttar Pradesh", "state"),
    ("10", "Bihar", "state"),
    ("11", "Sikkim", "state"),
    ("12", "Arunachal Pradesh", "state"),
    ("13", "Nagaland", "state"),
    ("14", "Manipur", "state"),
    ("15", "Mizoram", "state"),
    ("16", "Tripura", "state"),
    ("17", "Meghalaya", "state"),
    ("18", "Assam", "state"),
    ("19", "West Bengal", "state"),
    ("20", "Jharkhand", "state"),
    ("21", "Odisha", "state"),
    ("22", "Chhattisgarh", "state"),
    ("23", "Madhya Pradesh", "state"),
    ("24", "Gujarat", "state"),
    ("26", "Dadra and Nagar Haveli and Daman and Diu", "union_territory"),
    ("27", "Maharashtra", "state"),
    ("29", "Karnataka", "state"),
    ("30", "Goa", "state"),
    ("31", "Lakshadweep", "union_territory"),
    ("32", "Kerala", "state"),
    ("33", "Tamil Nadu", "state"),
    ("34", "Puducherry", "union_territory"),
    ("35", "Andaman and Nicobar Islands", "union_territory"),
    ("36", "Telangana", "state"),
    ("37", "Andhra Pradesh", "state"),
    ("38", "Ladakh", "union_territory"),
    ("97", "Other Territory", "other_territory"),
]


def upgrade() -> None:
    states = op.create_table(
        "states",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_states")),
        sa.UniqueConstraint("name", name=op.f("uq_states_name")),
        info={"seeded": True},
    )
    op.bulk_insert(
        states,
        [{"code": code, "name": name, "kind": kind} for code, name, kind in STATES],
    )
    op.create_table(
        "organizations",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("gstin", sa.String(length=15), nullable=False),
        sa.Column("pan", sa.String(length=10), nullable=False),
        sa.Column("state_code", sa.String(length=2), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code"], ["states.code"], name=op.f("fk_organizations_state_code_states")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("code", name=op.f("uq_organizations_code")),
        sa.UniqueConstraint("gstin", name=op.f("uq_organizations_gstin")),
    )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index("ix_organizations_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_organizations_pan"), ["pan"], unique=False)

    op.create_table(
        "stations",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("state_code", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code"], ["states.code"], name=op.f("fk_stations_state_code_states")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("state_code", "name_key", name=op.f("uq_stations_state_code_name_key")),
    )
    with op.batch_alter_table("stations", schema=None) as batch_op:
        batch_op.create_index("ix_stations_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_stations_name_key", ["name_key"], unique=False)

    op.create_table(
        "branches",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("state_code", sa.String(length=2), nullable=False),
        sa.Column("gstin", sa.String(length=15), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_branches_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["state_code"], ["states.code"], name=op.f("fk_branches_state_code_states")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branches")),
        sa.UniqueConstraint("gstin", name=op.f("uq_branches_gstin")),
        sa.UniqueConstraint(
            "organization_id", "code", name=op.f("uq_branches_organization_id_code")
        ),
    )
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_branches_organization_id_name", ["organization_id", "name"], unique=False
        )

    op.create_table(
        "financial_years",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=7), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_closed", sa.Boolean(), nullable=False),
        sa.Column("closed_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_financial_years_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_years")),
        sa.UniqueConstraint(
            "organization_id", "code", name=op.f("uq_financial_years_organization_id_code")
        ),
    )
    with op.batch_alter_table("financial_years", schema=None) as batch_op:
        batch_op.create_index(
            "ix_financial_years_one_active",
            ["organization_id"],
            unique=True,
            sqlite_where=sa.text("is_active"),
            postgresql_where=sa.text("is_active"),
        )
        batch_op.create_index(
            "ix_financial_years_organization_id_start_date",
            ["organization_id", "start_date"],
            unique=False,
        )
        batch_op.create_index("ix_financial_years_start_date", ["start_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("financial_years", schema=None) as batch_op:
        batch_op.drop_index("ix_financial_years_start_date")
        batch_op.drop_index("ix_financial_years_organization_id_start_date")
        batch_op.drop_index(
            "ix_financial_years_one_active",
            sqlite_where=sa.text("is_active"),
            postgresql_where=sa.text("is_active"),
        )

    op.drop_table("financial_years")
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.drop_index("ix_branches_organization_id_name")

    op.drop_table("branches")
    with op.batch_alter_table("stations", schema=None) as batch_op:
        batch_op.drop_index("ix_stations_name_key")
        batch_op.drop_index("ix_stations_created_at")

    op.drop_table("stations")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organizations_pan"))
        batch_op.drop_index("ix_organizations_created_at")

    op.drop_table("organizations")
    op.drop_table("states")
