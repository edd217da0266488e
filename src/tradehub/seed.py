"""Demo data for ``tradehub seed-demo``: each module that has demo data registers a seeder.

Seeders must be idempotent (look up before creating) and run in one transaction together.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.seed import seed_demo_users
from tradehub.config import Settings
from tradehub.delivery.seed import seed_cci_profiles_for_demo
from tradehub.geo.seed import seed_stations_for_demo
from tradehub.masters.seed import seed_masters_for_demo
from tradehub.organization.seed import seed_organization_for_demo
from tradehub.partner.seed import seed_partners_for_demo

Seeder = Callable[[AsyncSession, Console, Settings], Awaitable[None]]

SEEDERS: list[tuple[str, Seeder]] = [
    ("users", seed_demo_users),
    ("commodities and trade masters", seed_masters_for_demo),
    ("stations", seed_stations_for_demo),
    ("organization, branches and financial year", seed_organization_for_demo),
    ("partners and portal users", seed_partners_for_demo),
    ("CCI profiles", seed_cci_profiles_for_demo),
]
