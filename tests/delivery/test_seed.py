"""The demo marks its Cotton Corporation of India as the CCI and a KVIC buyer, once."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.config import Settings
from tradehub.delivery.models import CciProfile
from tradehub.partner.models import Partner
from tradehub.seed import SEEDERS


async def test_demo_cci_profiles_are_seeded_once(db: AsyncSession, test_settings: Settings) -> None:
    for _ in range(2):
        for _, seeder in SEEDERS:
            await seeder(db, Console(quiet=True), test_settings)
    rows = await db.execute(
        select(
            Partner.legal_name,
            Partner.kind,
            CciProfile.is_cci,
            CciProfile.buyer_class,
            CciProfile.version,
        )
        .join(CciProfile, CciProfile.partner_id == Partner.id)
        .order_by(Partner.legal_name)
    )
    assert [tuple(row) for row in rows] == [
        ("Mahalaxmi Khadi Gramodyog Sangh", "buyer", False, "kvic", 1),
        ("The Cotton Corporation of India Ltd", "seller", True, None, 1),
    ]
