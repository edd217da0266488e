"""Demo masters for ``tradehub seed-demo`` (idempotent): the commodities, varieties, aliases,
parameters and terms that trade-message-parsing.md and domain.md §4.2, §6 name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rich.console import Console
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.config import Settings
from tradehub.masters import service, terms_service
from tradehub.masters.models import CciTerms, CommissionStructure, Commodity, GstRate, TradeTerm
from tradehub.masters.schemas import (
    CciTermsCreate,
    CommissionCreate,
    CommodityCreate,
    GstRateCreate,
    TermCreate,
)

COTTON_VARIETIES: list[tuple[str, list[str]]] = [
    ("Shankar-6", ["S-6", "S6", "Shankar 6", "Sankar-6", "shankar6"]),
    ("DCH-32", ["DCH32", "DCH 32", "DCH"]),
    ("MCU-5", ["MCU5"]),
    ("Bunny", ["bunny bt", "Bunny-Hybrid"]),
    ("Brahma", []),
    ("Suvin", []),
    ("J-34", ["J34", "J 34"]),
    ("H-4", ["H4"]),
    ("MECH-1", ["Mech 1"]),
    ("LRA-5166", ["LRA"]),
    ("V-797", ["V797"]),
    ("RCH-2", ["RCH2"]),
]
COTTON_PARAMETERS: list[tuple[str, str, str, str, str, str]] = [
    ("staple_mm", "Staple length", "mm", "26", "34", "1.0"),
    ("mic", "Micronaire", "", "3.0", "5.5", "1.0"),
    ("strength_gpt", "Strength", "g/tex", "20", "35", "0.8"),
    ("trash_pct", "Trash", "%", "0", "5", "0.6"),
    ("moisture_pct", "Moisture", "%", "0", "12", "0.5"),
    ("rd", "Reflectance (Rd)", "", "60", "85", "0"),
    ("plus_b", "Yellowness (+b)", "", "5", "15", "0"),
]
COMMODITIES: list[dict[str, Any]] = [
    {
        "name": "Cotton", "hsn_code": "5201", "gst_rate": "5", "unit": "bales",
        "rate_unit": "candy", "aliases": ["Lint", "Rui"],
        "varieties": [{"name": n, "aliases": a} for n, a in COTTON_VARIETIES],
        "parameters": [
            {"name": n, "label": lb, "unit": u, "min": lo, "max": hi, "weight": w}
            for n, lb, u, lo, hi, w in COTTON_PARAMETERS
        ],
    },
    {"name": "Kapas", "hsn_code": "5201", "gst_rate": "5", "unit": "quintal",
     "rate_unit": "quintal", "aliases": ["Kapaas", "Seed Cotton", "Raw Cotton"]},
    {"name": "Cotton Seed", "hsn_code": "1207", "gst_rate": "5", "unit": "quintal",
     "rate_unit": "quintal",
     "aliases": ["Cottonseed", "Cotton Seeds", "Binola", "Binaula", "Kapasia", "Kapasiya"]},
    {"name": "Cotton Yarn", "hsn_code": "5205", "gst_rate": "5", "unit": "kg", "rate_unit": "kg",
     "aliases": ["Yarn"]},
]  # fmt: skip
# The certificates the migration seeds (20261128_1426_cf90afe65e29), for code that needs them
# without a database (the parser's tests). (name, aliases)
CERTIFICATES: list[tuple[str, list[str]]] = [
    ("BCI", ["Better Cotton", "Better Cotton Initiative"]),
    ("Organic", []),
    ("NPOP", []),
    ("Fairtrade", ["Fair Trade", "Fair-trade"]),
    ("GOTS", []),
]
TERMS: list[tuple[str, str, int | None]] = [
    ("trade", "Normal", None), ("trade", "CCI Trade", None), ("trade", "Spot", None),
    ("trade", "Forward", None), ("trade", "Ready", None),
    ("bargain", "Pucca Sauda", None), ("bargain", "Subject to Approval", None),
    ("bargain", "FOB", None), ("bargain", "FOR", None), ("bargain", "CIF", None),
    ("weightment", "Seller's gin", None), ("weightment", "Buyer's mill", None),
    ("weightment", "Third party", None),
    ("passing", "Lab report", None), ("passing", "Visual", None),
    ("delivery", "Ex-Gin", 0), ("delivery", "FOR", 5), ("delivery", "Ex-Warehouse", 7),
    ("delivery", "Ex-Station", 15), ("delivery", "Door", 30),
    ("payment", "Advance", 0), ("payment", "Against Delivery", 0),
    ("payment", "30 days credit", 30), ("payment", "60 days credit", 60),
    ("payment", "90 days credit", 90),
]  # fmt: skip
GST_RATES = [
    ("18", "Brokerage: commission agent services in wholesale trade", "996111"),
    ("5", "Cotton, not carded or combed", "5201"),
]
COMMISSIONS = [
    ("1% percentage", "percentage", "1"),
    ("2% percentage", "percentage", "2"),
    ("Rs 50 per bale", "per_bale", "50"),
    ("Rs 100 per bale", "per_bale", "100"),
]
CCI_SINCE = date(2026, 4, 1)


async def seed_demo_masters(session: AsyncSession) -> dict[str, int]:
    """Create what is missing; never changes what exists. Answers how many rows it added."""
    added = {"commodities": 0, "terms": 0, "gst_rates": 0, "commissions": 0, "cci_terms": 0}
    for body in COMMODITIES:
        key = str(body["name"]).casefold()
        if await session.scalar(select(Commodity.id).where(Commodity.name_key == key)) is None:
            await service.create_commodity(session, SYSTEM_ACTOR, CommodityCreate(**body))
            added["commodities"] += 1
    for kind, name, days in TERMS:
        exists = await session.scalar(
            select(TradeTerm.id).where(
                TradeTerm.kind == kind, TradeTerm.name_key == name.casefold()
            )
        )
        if exists is None:
            await terms_service.create_term(
                session,
                SYSTEM_ACTOR,
                TermCreate(kind=kind, name=name, days=days),
            )
            added["terms"] += 1
    for rate, description, code in GST_RATES:
        if await session.scalar(select(GstRate.id).where(GstRate.hsn_or_sac == code)) is None:
            await terms_service.create_gst_rate(
                session,
                SYSTEM_ACTOR,
                GstRateCreate(rate=Decimal(rate), description=description, hsn_or_sac=code),
            )
            added["gst_rates"] += 1
    for name, kind, value in COMMISSIONS:
        key = name.casefold()
        if (
            await session.scalar(
                select(CommissionStructure.id).where(CommissionStructure.name_key == key)
            )
            is None
        ):
            await terms_service.create_commission(
                session,
                SYSTEM_ACTOR,
                CommissionCreate(name=name, kind=kind, value=Decimal(value)),
            )
            added["commissions"] += 1
    if await session.scalar(select(CciTerms.id).limit(1)) is None:
        # Seeding may backdate the first version (the service refuses that to users).
        await terms_service.create_cci_terms(
            session, SYSTEM_ACTOR, CciTermsCreate(effective_from=CCI_SINCE), today=CCI_SINCE
        )
        added["cci_terms"] += 1
    return added


async def seed_masters_for_demo(
    session: AsyncSession, console: Console, _settings: Settings
) -> None:
    """The ``tradehub seed-demo`` step: commodities, terms, GST rates, commissions, CCI terms."""
    added = await seed_demo_masters(session)
    console.print(", ".join(f"{count} {name.replace('_', ' ')}" for name, count in added.items()))
