"""merge organizations and masters

Revision ID: 91e49fe95708
Revises: 78875759f0e5, 413082b0e67c
Create Date: 2026-11-28 10:42:35.619374+00:00
"""

from collections.abc import Sequence

revision: str = "91e49fe95708"
down_revision: str | Sequence[str] | None = ("78875759f0e5", "413082b0e67c")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
