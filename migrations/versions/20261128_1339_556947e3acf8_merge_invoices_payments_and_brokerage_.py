"""merge invoices, payments and brokerage bills

Revision ID: 556947e3acf8
Revises: dee16b4266e2, 7c1e5a9b3d20
Create Date: 2026-11-28 13:39:02.645407+00:00
"""

from collections.abc import Sequence

revision: str = "556947e3acf8"
down_revision: str | Sequence[str] | None = ("dee16b4266e2", "7c1e5a9b3d20")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
