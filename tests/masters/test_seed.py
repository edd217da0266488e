"""The demo masters are seeded once and the parser's vocabulary resolves through them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.masters.models import Commodity
from tradehub.masters.seed import seed_demo_masters
from tradehub.masters.service import resolve_variety


async def test_seed_is_idempotent_and_resolves_the_parsing_vocabulary(db: AsyncSession) -> None:
    first = await seed_demo_masters(db)
    assert first["commodities"] == 4 and first["terms"] == 25 and first["cci_terms"] == 1
    again = await seed_demo_masters(db)
    assert set(again.values()) == {0}
    cotton = await db.scalar(select(Commodity).where(Commodity.name_key == "cotton"))
    assert cotton is not None
    for text, name in [
        ("S-6", "Shankar-6"), ("shankar6", "Shankar-6"), ("Sankar-6", "Shankar-6"),
        ("DCH 32", "DCH-32"), ("MCU5", "MCU-5"), ("bunny bt", "Bunny"), ("J 34", "J-34"),
        ("H4", "H-4"), ("Mech 1", "MECH-1"), ("LRA", "LRA-5166"), ("V797", "V-797"),
        ("RCH2", "RCH-2"), ("Brahma", "Brahma"),
    ]:  # fmt: skip
        variety = await resolve_variety(db, cotton.id, text)
        assert variety is not None and variety.name == name, text
