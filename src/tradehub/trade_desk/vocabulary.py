"""The parser's vocabulary, read from the masters: commodities (with their aliases and default
price unit), varieties and aliases, quality parameters, stations and certificates.

``build_vocabulary`` is pure and turns those names into an immutable ``Vocabulary`` of lookup
tables the parser uses without I/O. ``VocabularyCache.current(session)`` serves one built
vocabulary per process and rebuilds it when the masters change: each call runs one aggregate
query (count, sum of row versions and latest update of each master table); any insert, update
or soft delete changes that fingerprint, so a new station or alias is seen by the next parse,
in every worker process, without a TTL or a message between processes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.geo.models import Station
from tradehub.masters.models import Certificate, Commodity, QualityParameter, Variety
from tradehub.trade_desk.parsing_lexicon import FILLER_WORDS

VARIETY: Final = "variety"
COMMODITY: Final = "commodity"
CERTIFICATE: Final = "certificate"
STATION: Final = "station"

# The master's rate unit → the parser's price unit (``tonne`` is not a price unit of the API).
_PRICE_UNIT_OF_RATE_UNIT: Final = {
    "bales": "bale",
    "candy": "candy",
    "quintal": "quintal",
    "kg": "kg",
}
_NOT_KEY = re.compile(r"[^a-z0-9]")
_PARTS = re.compile(r"[a-z]+|[0-9]+")
_STEM = re.compile(r"([a-z]+)([0-9]*)")
# Fuzzy matching only looks at names at least this long (shorter ones must be exact).
MIN_FUZZY_LENGTH: Final = 5
# The last word of a station of several words stands for it when it is at least this long.
MIN_SHORT_STATION: Final = 6


def compact(text: str) -> str:
    """``S-6``, ``s 6`` and ``S6`` → ``s6``; ``Sri Ganganagar`` → ``sriganganagar``."""
    return _NOT_KEY.sub("", text.casefold())


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    name: str  # canonical, as the master spells it
    commodity: str | None = None  # a variety's commodity


@dataclass(frozen=True, slots=True)
class CommodityTerms:
    """What the parser needs of one commodity of the master."""

    name: str
    rate_unit: str
    aliases: Sequence[str] = ()
    parameters: Sequence[str] = ()
    varieties: Sequence[tuple[str, Sequence[str]]] = ()


@dataclass(frozen=True)
class Vocabulary:
    """Immutable lookup tables; build with ``build_vocabulary``."""

    phrases: Mapping[str, Entry]  # compact spelling → entry
    prefixes: frozenset[str]  # every prefix of a compact spelling, to stop joining tokens early
    max_tokens: int  # the most tokens a spelling may be written in
    price_units: Mapping[str, str | None]  # commodity → default price unit
    parameter_owners: tuple[tuple[str, frozenset[str]], ...]  # (commodity, its parameters)
    station_keys: tuple[str, ...]  # compact station names, for fuzzy matching
    stations: Mapping[str, str]  # compact station name → canonical
    variety_stems: Mapping[str, Mapping[str, Entry]]  # "shankar" → {"6": Shankar-6}
    stem_keys: tuple[str, ...]  # stems long enough to be matched fuzzily
    known_words: frozenset[str]  # never read as a misspelt station or variety
    version: str = field(default="")


def _parts(text: str) -> int:
    return len(_PARTS.findall(text.casefold()))


def build_vocabulary(
    *,
    commodities: Iterable[CommodityTerms],
    stations: Iterable[str],
    certificates: Iterable[tuple[str, Sequence[str]]],
    version: str = "",
) -> Vocabulary:
    phrases: dict[str, Entry] = {}
    most_parts = 1

    def add(spelling: str, entry: Entry) -> None:
        nonlocal most_parts
        key = compact(spelling)
        if len(key) >= 2 and key not in phrases:
            phrases[key] = entry
            most_parts = max(most_parts, _parts(spelling))

    price_units: dict[str, str | None] = {}
    owners: list[tuple[str, frozenset[str]]] = []
    stems: dict[str, dict[str, Entry]] = {}
    for name, aliases in certificates:
        for spelling in (name, *aliases):
            add(spelling, Entry(CERTIFICATE, name))
    commodity_list = list(commodities)
    for commodity in commodity_list:
        for spelling in (commodity.name, *commodity.aliases):
            add(spelling, Entry(COMMODITY, commodity.name))
        price_units[commodity.name] = _PRICE_UNIT_OF_RATE_UNIT.get(commodity.rate_unit)
        if commodity.parameters:
            owners.append((commodity.name, frozenset(commodity.parameters)))
    for commodity in commodity_list:
        for variety, aliases in commodity.varieties:
            entry = Entry(VARIETY, variety, commodity.name)
            for spelling in (variety, *aliases):
                add(spelling, entry)
                stem = _STEM.fullmatch(compact(spelling))
                if stem is not None and len(stem.group(1)) >= MIN_FUZZY_LENGTH:
                    stems.setdefault(stem.group(1), {}).setdefault(stem.group(2), entry)
    station_names: dict[str, str] = {}
    station_list = list(stations)
    for station in station_list:
        add(station, Entry(STATION, station))
        station_names.setdefault(compact(station), station)
    for station in station_list:  # "Ganganagar" for "Sri Ganganagar"
        words = station.split()
        if len(words) > 1 and len(compact(words[-1])) >= MIN_SHORT_STATION:
            add(words[-1], Entry(STATION, station))
    prefixes = frozenset(key[:end] for key in phrases for end in range(1, len(key) + 1))
    return Vocabulary(
        phrases=MappingProxyType(phrases),
        prefixes=prefixes,
        # One more than the master's own spellings: "sri ganga nagar" for "Sri Ganganagar".
        max_tokens=min(most_parts + 1, 6),
        price_units=MappingProxyType(price_units),
        parameter_owners=tuple(owners),
        station_keys=tuple(k for k in station_names if len(k) >= MIN_FUZZY_LENGTH),
        stations=MappingProxyType(station_names),
        variety_stems=MappingProxyType({k: MappingProxyType(v) for k, v in stems.items()}),
        stem_keys=tuple(stems),
        known_words=FILLER_WORDS | frozenset(phrases),
        version=version,
    )


# --- loading from the masters -------------------------------------------------------------------

_MASTER_TABLES: Final = (Commodity, Variety, QualityParameter, Station, Certificate)


def _fingerprint_statement() -> Any:
    columns = []
    for model in _MASTER_TABLES:
        columns += [
            select(func.count()).select_from(model).scalar_subquery(),
            select(func.coalesce(func.sum(model.version), 0)).scalar_subquery(),
            select(func.max(model.updated_at)).scalar_subquery(),
        ]
    return select(*columns)


async def masters_fingerprint(session: AsyncSession) -> tuple[Any, ...]:
    """Changes whenever a row of a master the parser reads is added, changed or deleted."""
    row = (await session.execute(_fingerprint_statement())).one()
    return tuple(str(value) for value in row)


async def load_vocabulary(session: AsyncSession, *, version: str = "") -> Vocabulary:
    """The active commodities, varieties, parameters, stations and certificates."""
    commodity_rows = list(
        await session.scalars(
            select(Commodity)
            .where(Commodity.deleted_at.is_(None), Commodity.is_active.is_(True))
            .order_by(Commodity.created_at, Commodity.name_key)
        )
    )
    ids = [c.id for c in commodity_rows]
    varieties: dict[Any, list[tuple[str, Sequence[str]]]] = {i: [] for i in ids}
    for variety in await session.scalars(
        select(Variety)
        .where(Variety.commodity_id.in_(ids), Variety.is_active.is_(True))
        .order_by(Variety.position, Variety.name_key)
    ):
        varieties[variety.commodity_id].append((variety.name, list(variety.aliases)))
    parameters: dict[Any, list[str]] = {i: [] for i in ids}
    for commodity_id, name in await session.execute(
        select(QualityParameter.commodity_id, QualityParameter.name).where(
            QualityParameter.commodity_id.in_(ids), QualityParameter.is_active.is_(True)
        )
    ):
        parameters[commodity_id].append(name)
    stations = await session.scalars(
        select(Station.name).where(Station.is_active.is_(True)).order_by(Station.name_key)
    )
    certificates = await session.execute(
        select(Certificate.name, Certificate.aliases)
        .where(Certificate.is_active.is_(True))
        .order_by(Certificate.position, Certificate.name_key)
    )
    return build_vocabulary(
        commodities=[
            CommodityTerms(
                name=c.name,
                rate_unit=c.rate_unit,
                aliases=list(c.aliases or []),
                parameters=parameters[c.id],
                varieties=varieties[c.id],
            )
            for c in commodity_rows
        ],
        stations=list(stations),
        certificates=[(name, list(aliases or [])) for name, aliases in certificates],
        version=version,
    )


class VocabularyCache:
    """One vocabulary per process, rebuilt when the masters' fingerprint changes."""

    def __init__(self) -> None:
        self._fingerprint: tuple[Any, ...] | None = None
        self._vocabulary: Vocabulary | None = None

    async def current(self, session: AsyncSession) -> Vocabulary:
        fingerprint = await masters_fingerprint(session)
        vocabulary = self._vocabulary
        if vocabulary is not None and fingerprint == self._fingerprint:
            return vocabulary
        vocabulary = await load_vocabulary(session, version=str(hash(fingerprint)))
        # Two requests may rebuild at once; either result is right, the last one stays.
        self._fingerprint, self._vocabulary = fingerprint, vocabulary
        return vocabulary

    def clear(self) -> None:
        self._fingerprint, self._vocabulary = None, None


vocabulary_cache: Final = VocabularyCache()
