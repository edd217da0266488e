"""commodities: trade desk match weights per commodity (domain.md §4.4)

Four nullable rates, all set or all null (null = the default 0.45/0.35/0.10/0.10), summing to 1.

Revision ID: b7e2c4d9a1f3
Revises: 556947e3acf8
Create Date: 2026-11-28 14:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "b7e2c4d9a1f3"
down_revision: str | Sequence[str] | None = "556947e3acf8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    "match_parameters_weight",
    "match_price_weight",
    "match_location_weight",
    "match_payment_weight",
)
_CHECK = (
    "(match_parameters_weight IS NULL AND match_price_weight IS NULL"
    " AND match_location_weight IS NULL AND match_payment_weight IS NULL)"
    " OR (match_parameters_weight IS NOT NULL AND match_price_weight IS NOT NULL"
    " AND match_location_weight IS NOT NULL AND match_payment_weight IS NOT NULL"
    " AND match_parameters_weight >= 0 AND match_price_weight >= 0"
    " AND match_location_weight >= 0 AND match_payment_weight >= 0"
    " AND match_parameters_weight + match_price_weight + match_location_weight"
    " + match_payment_weight = 10000)"
)


def upgrade() -> None:
    with op.batch_alter_table("commodities", schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(sa.Column(name, th_types.Rate(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_commodities_match_weights"), _CHECK)


def downgrade() -> None:
    with op.batch_alter_table("commodities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_commodities_match_weights"), type_="check")
        for name in reversed(_COLUMNS):
            batch_op.drop_column(name)
