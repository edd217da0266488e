"""The demo brokerage: one organization with branches in Gujarat and Maharashtra, and its
current financial year, active."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.config import Settings
from tradehub.financial_year import service as years
from tradehub.financial_year.domain import fy_code_for
from tradehub.financial_year.models import FinancialYear
from tradehub.financial_year.schemas import FinancialYearCreate
from tradehub.kit.identifiers import gstin_check_character
from tradehub.kit.types import utcnow
from tradehub.organization import service
from tradehub.organization.models import Branch, Organization
from tradehub.organization.schemas import BranchCreate, OrganizationCreate

DEMO_ORGANIZATION_CODE = "RNRL"
DEMO_PAN = "AABCR4821K"
# (branch code, name, GST state code, GSTIN entity digit or None for a place of business
# under the state's main registration)
DEMO_BRANCHES: list[tuple[str, str, str, str | None]] = [
    ("MUM", "Mumbai (head office)", "27", "1"),
    ("AKL", "Akola", "27", None),
    ("RJK", "Rajkot", "24", "1"),
    ("AMD", "Ahmedabad", "24", None),
]


def demo_gstin(state_code: str, pan: str, entity: str = "1") -> str:
    first = f"{state_code}{pan}{entity}Z"
    return first + gstin_check_character(first)


async def seed_demo_organization(session: AsyncSession) -> Organization:
    organization = await session.scalar(
        select(Organization).where(Organization.code == DEMO_ORGANIZATION_CODE)
    )
    if organization is None:
        organization = await service.create_organization(
            session,
            SYSTEM_ACTOR,
            OrganizationCreate(
                name="RNRL Cotton Brokers Private Limited",
                code=DEMO_ORGANIZATION_CODE,
                pan=DEMO_PAN,
                gstin=demo_gstin("27", DEMO_PAN),
                state_code="27",
                address="402 Cotton Exchange Building, Kalbadevi Road, Mumbai 400002",
            ),
        )
    existing = set(
        await session.scalars(select(Branch.code).where(Branch.organization_id == organization.id))
    )
    for code, name, state_code, entity in DEMO_BRANCHES:
        if code not in existing:
            gstin = demo_gstin(state_code, DEMO_PAN, entity) if entity else None
            body = BranchCreate(name=name, code=code, state_code=state_code, gstin=gstin)
            await service.create_branch(session, SYSTEM_ACTOR, organization, body)
    return organization


async def seed_demo_year(session: AsyncSession, organization: Organization) -> FinancialYear:
    code = fy_code_for(utcnow())
    year = await session.scalar(
        select(FinancialYear).where(
            FinancialYear.organization_id == organization.id, FinancialYear.code == code
        )
    )
    if year is None:
        body = FinancialYearCreate(organization_id=organization.id, code=code)
        year = await years.create_year(session, SYSTEM_ACTOR, body)
    if not year.is_active:
        year = await years.lock_year(session, year.id)
        year = await years.activate(session, SYSTEM_ACTOR, year)
    return year


async def seed_organization_for_demo(
    session: AsyncSession, console: Console, _settings: Settings
) -> None:
    organization = await seed_demo_organization(session)
    year = await seed_demo_year(session, organization)
    console.print(
        f"Organization {organization.code} with {len(DEMO_BRANCHES)} branches "
        f"(Gujarat, Maharashtra); financial year {year.code} active"
    )
