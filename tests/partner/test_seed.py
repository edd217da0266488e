"""The demo brokerage: organization, branches, financial year, stations and partners that are
all valid by the service's own rules, created once however often the seed runs."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.models import User
from tradehub.config import Settings
from tradehub.financial_year.models import FinancialYear
from tradehub.geo.models import Station
from tradehub.kit.identifiers import validate_gstin, validate_pan
from tradehub.organization.models import Branch
from tradehub.partner.models import Partner, PartnerBranch
from tradehub.seed import SEEDERS


async def _seed_all(db: AsyncSession, settings: Settings) -> None:
    console = Console(quiet=True)
    for _, seeder in SEEDERS:
        await seeder(db, console, settings)


async def test_demo_brokerage_is_complete_valid_and_idempotent(
    db: AsyncSession, test_settings: Settings
) -> None:
    await _seed_all(db, test_settings)
    counts = [
        await db.scalar(select(func.count()).select_from(table))
        for table in (Partner, PartnerBranch, Station, Branch, FinancialYear, User)
    ]
    await _seed_all(db, test_settings)
    again = [
        await db.scalar(select(func.count()).select_from(table))
        for table in (Partner, PartnerBranch, Station, Branch, FinancialYear, User)
    ]
    assert again == counts
    partners = list(await db.scalars(select(Partner)))
    assert len(partners) >= 20
    assert {p.status for p in partners} == {"active"}
    assert {"buyer", "seller", "trader", "broker", "transporter", "controller"} <= {
        p.kind for p in partners
    }
    for partner in partners:
        assert validate_pan(partner.pan) == partner.pan
        assert partner.gstin is not None
        assert validate_gstin(partner.gstin, pan=partner.pan) == partner.gstin
        assert partner.approved_by_id != partner.created_by_id
    states = set(await db.scalars(select(Branch.state_code)))
    assert {"24", "27"} <= states
    assert await db.scalar(select(func.count()).where(FinancialYear.is_active)) == 1
    portal = await db.scalar(select(User).where(User.email == "partner@demo.tradehub.in"))
    assert portal is not None and portal.partner_id is not None
