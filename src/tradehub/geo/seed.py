"""Demo stations: the cotton trading towns the trade desk parser knows
(trade-message-parsing.md, "Vocabulary")."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.config import Settings
from tradehub.geo import repository, service
from tradehub.geo.schemas import StationCreate

# (station, GST state code, region)
STATIONS: list[tuple[str, str, str]] = [
    ("Rajkot", "24", "Saurashtra"), ("Gondal", "24", "Saurashtra"),
    ("Amreli", "24", "Saurashtra"), ("Jamnagar", "24", "Saurashtra"),
    ("Bhavnagar", "24", "Saurashtra"), ("Surendranagar", "24", "Saurashtra"),
    ("Kadi", "24", "North Gujarat"), ("Ahmedabad", "24", "Central Gujarat"),
    ("Akola", "27", "Vidarbha"), ("Yavatmal", "27", "Vidarbha"),
    ("Amravati", "27", "Vidarbha"), ("Nagpur", "27", "Vidarbha"),
    ("Jalgaon", "27", "Khandesh"), ("Aurangabad", "27", "Marathwada"),
    ("Mumbai", "27", "Konkan"), ("Adilabad", "36", "Telangana"),
    ("Warangal", "36", "Telangana"), ("Khammam", "36", "Telangana"),
    ("Guntur", "37", "Coastal Andhra"), ("Bathinda", "03", "Malwa (Punjab)"),
    ("Sirsa", "06", "Haryana"), ("Hisar", "06", "Haryana"),
    ("Sri Ganganagar", "08", "North Rajasthan"), ("Khargone", "23", "Nimar"),
    ("Indore", "23", "Malwa"), ("Hubli", "29", "North Karnataka"),
    ("Raichur", "29", "Hyderabad Karnataka"), ("Coimbatore", "33", "Kongu Nadu"),
]  # fmt: skip


async def seed_demo_stations(session: AsyncSession) -> int:
    """Create the missing stations; answers how many it added."""
    added = 0
    for name, state_code, region in STATIONS:
        if await repository.station_named(session, state_code, name.casefold()) is None:
            body = StationCreate(name=name, state_code=state_code, region=region)
            await service.create_station(session, SYSTEM_ACTOR, body)
            added += 1
    return added


async def seed_stations_for_demo(
    session: AsyncSession, console: Console, _settings: Settings
) -> None:
    added = await seed_demo_stations(session)
    console.print(f"Stations: {added} added, {len(STATIONS)} in the demo set")
