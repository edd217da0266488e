"""One visibility rule for every repository: partners see their own dealings, branch-limited
staff their branches, everyone else everything — checked against real rows."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Column, MetaData, String, Table, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import TEST_ONLY_METADATA
from tradehub.kit.visibility import visible_to

deals_metadata = MetaData()
deals = Table(
    "test_deals",
    deals_metadata,
    Column("name", String(20), primary_key=True),
    Column("seller_id", Uuid),
    Column("buyer_id", Uuid),
    Column("branch_id", Uuid),
)
TEST_ONLY_METADATA.append(deals_metadata)

SELLER, BUYER, OTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
GUJARAT, MAHARASHTRA = uuid.uuid4(), uuid.uuid4()


@dataclass(frozen=True)
class Viewer:
    partner_id: uuid.UUID | None = None
    branch_ids: Collection[uuid.UUID] = field(default_factory=frozenset)


@pytest.fixture
async def seeded(db: AsyncSession) -> None:
    await db.execute(
        deals.insert(),
        [
            {"name": "s-b-guj", "seller_id": SELLER, "buyer_id": BUYER, "branch_id": GUJARAT},
            {"name": "o-b-mah", "seller_id": OTHER, "buyer_id": BUYER, "branch_id": MAHARASHTRA},
            {"name": "o-o-guj", "seller_id": OTHER, "buyer_id": OTHER, "branch_id": GUJARAT},
        ],
    )


async def _names(db: AsyncSession, viewer: Viewer, **columns: object) -> set[str]:
    statement = visible_to(select(deals.c.name), viewer, **columns)  # type: ignore[arg-type]
    return set((await db.scalars(statement)).all())


PARTIES = {"party_columns": [deals.c.seller_id, deals.c.buyer_id]}
BRANCHES = {"branch_columns": [deals.c.branch_id]}


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (Viewer(), {"s-b-guj", "o-b-mah", "o-o-guj"}),
        (Viewer(partner_id=SELLER), {"s-b-guj"}),
        (Viewer(partner_id=BUYER), {"s-b-guj", "o-b-mah"}),
        (Viewer(partner_id=uuid.uuid4()), set()),
        (Viewer(branch_ids={GUJARAT}), {"s-b-guj", "o-o-guj"}),
        (Viewer(partner_id=BUYER, branch_ids={MAHARASHTRA}), {"o-b-mah"}),
    ],
)
async def test_each_viewer_sees_exactly_its_rows(
    db: AsyncSession, viewer: Viewer, expected: set[str]
) -> None:
    assert await _names(db, viewer, **PARTIES, **BRANCHES) == expected


@pytest.mark.usefixtures("seeded")
async def test_a_partner_sees_nothing_of_a_table_that_names_no_party(db: AsyncSession) -> None:
    assert await _names(db, Viewer(partner_id=BUYER), **BRANCHES) == set()
