"""parser vocabulary: commodity aliases and the certificates master (seeded)

The trade desk parser reads its vocabulary from the masters: commodities get the other
spellings chat messages use (``aliases``, like varieties have), and certificates become a small
reference table seeded here (BCI, Organic, NPOP, Fairtrade, GOTS with their spellings).

Revision ID: cf90afe65e29
Revises: 556947e3acf8
Create Date: 2026-11-28 14:26:16.000000+00:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "cf90afe65e29"
down_revision: str | Sequence[str] | None = "556947e3acf8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEEDED_AT = datetime(2026, 11, 28, tzinfo=UTC)
# (id, name, aliases); ids fixed so that every database names a certificate alike.
CERTIFICATES = [
    ("5b0f7c1e-6a3d-4c51-9e0b-1c2d3e4f5a01", "BCI", ["Better Cotton", "Better Cotton Initiative"]),
    ("5b0f7c1e-6a3d-4c51-9e0b-1c2d3e4f5a02", "Organic", []),
    ("5b0f7c1e-6a3d-4c51-9e0b-1c2d3e4f5a03", "NPOP", []),
    ("5b0f7c1e-6a3d-4c51-9e0b-1c2d3e4f5a04", "Fairtrade", ["Fair Trade", "Fair-trade"]),
    ("5b0f7c1e-6a3d-4c51-9e0b-1c2d3e4f5a05", "GOTS", []),
]


def upgrade() -> None:
    with op.batch_alter_table("commodities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("aliases", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("commodities", schema=None) as batch_op:
        batch_op.alter_column("aliases", server_default=None)

    certificates = op.create_table(
        "certificates",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("name_key", sa.String(length=50), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("name_key", name=op.f("uq_certificates_name_key")),
        info={"seeded": True},
    )
    op.bulk_insert(
        certificates,
        [
            {
                "id": uuid.UUID(id_),
                "name": name,
                "name_key": name.casefold(),
                "aliases": aliases,
                "is_active": True,
                "position": position,
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
                "version": 1,
            }
            for position, (id_, name, aliases) in enumerate(CERTIFICATES)
        ],
    )


def downgrade() -> None:
    op.drop_table("certificates")
    with op.batch_alter_table("commodities", schema=None) as batch_op:
        batch_op.drop_column("aliases")
