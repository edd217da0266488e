"""Demo CCI profiles: the demo's Cotton Corporation of India is marked as the CCI (its
contracts are CCI contracts) and the demo Khadi gramodyog buyer pays the KVIC EMD. Runs after
the partners' seeder; idempotent (a profile already set is left as it is)."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.config import Settings
from tradehub.delivery import cci_service
from tradehub.delivery.cci_schemas import CciProfileIn
from tradehub.partner.models import Partner
from tradehub.pricing.cci import BuyerClass

DEMO_PROFILES: dict[str, CciProfileIn] = {
    "The Cotton Corporation of India Ltd": CciProfileIn(is_cci=True),
    "Mahalaxmi Khadi Gramodyog Sangh": CciProfileIn(is_cci=False, buyer_class=BuyerClass.KVIC),
}


async def seed_cci_profiles_for_demo(
    session: AsyncSession, console: Console, settings: Settings
) -> None:
    actor = AuditActor(label="seed-demo")
    marked = 0
    for legal_name, profile in DEMO_PROFILES.items():
        partner = await session.scalar(select(Partner).where(Partner.legal_name == legal_name))
        if partner is None:  # the partners' seeder did not run
            continue
        if (await cci_service.profile_read(session, partner)).version == 0:
            await cci_service.set_profile(session, actor, partner, profile)
        marked += 1
    console.print(f"CCI profiles: {marked} (the CCI as seller, a KVIC buyer)")
