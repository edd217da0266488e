"""merge documents, partners and audit archives

Revision ID: b2288e382556
Revises: 0f456449aa98, 5b7e2c1d9a40
Create Date: 2026-11-28 12:12:22.480636+00:00
"""

from collections.abc import Sequence

revision: str = "b2288e382556"
down_revision: str | Sequence[str] | None = ("0f456449aa98", "5b7e2c1d9a40")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
