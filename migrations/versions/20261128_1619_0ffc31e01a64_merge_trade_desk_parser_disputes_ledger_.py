"""merge trade desk, parser, disputes, ledger, invoice adjustments, delivery and matching

Revision ID: 0ffc31e01a64
Revises: ef38c055e125, cf90afe65e29, c09a13c794ad, da26ccfad2ec, 9eed4e7c0ed8, 00455a5e2541, b7e2c4d9a1f3
Create Date: 2026-11-28 16:19:54.678210+00:00
"""

from collections.abc import Sequence

revision: str = "0ffc31e01a64"
down_revision: str | Sequence[str] | None = (
    "ef38c055e125",
    "cf90afe65e29",
    "c09a13c794ad",
    "da26ccfad2ec",
    "9eed4e7c0ed8",
    "00455a5e2541",
    "b7e2c4d9a1f3",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
