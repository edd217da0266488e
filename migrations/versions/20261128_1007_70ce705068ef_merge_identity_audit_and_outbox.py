"""merge identity, audit and outbox

Revision ID: 70ce705068ef
Revises: 27d973c74345, 90569a3732fd, b008eb16dfc2
Create Date: 2026-11-28 10:07:07.179848+00:00
"""

from collections.abc import Sequence

revision: str = "70ce705068ef"
down_revision: str | Sequence[str] | None = ("27d973c74345", "90569a3732fd", "b008eb16dfc2")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
