"""Commodity use cases: commodities with their varieties and quality parameters, and the
variety lookup other modules use (``resolve_variety``)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.kit.types import utcnow
from tradehub.masters.domain import loaded_specs, match_key, spec_errors, stored_specs
from tradehub.masters.errors import (
    CommodityNotFound,
    NameTaken,
    ParameterNotFound,
    VarietyNotFound,
    field_error,
)
from tradehub.masters.models import Commodity, QualityParameter, Variety, VarietyKey
from tradehub.masters.schemas import (
    BoundsRead,
    CommodityCreate,
    CommodityRead,
    CommodityUpdate,
    ParameterCreate,
    ParameterRead,
    ParameterUpdate,
    VarietyCreate,
    VarietyRead,
    VarietyUpdate,
)

Loc = list[str | int]


# --- reads -----------------------------------------------------------------------------------


def commodity_list_statement(
    *, q: str | None = None, is_active: bool | None = None
) -> Select[Commodity]:
    statement = select(Commodity).where(Commodity.deleted_at.is_(None))
    if q:
        statement = statement.where(Commodity.name_key.startswith(q.strip().casefold()))
    if is_active is not None:
        statement = statement.where(Commodity.is_active.is_(is_active))
    return statement


async def _children(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[Variety]], dict[uuid.UUID, list[QualityParameter]]]:
    varieties: dict[uuid.UUID, list[Variety]] = defaultdict(list)
    parameters: dict[uuid.UUID, list[QualityParameter]] = defaultdict(list)
    if not ids:
        return varieties, parameters
    for variety in await session.scalars(
        select(Variety)
        .where(Variety.commodity_id.in_(ids))
        .order_by(Variety.position, Variety.name_key)
    ):
        varieties[variety.commodity_id].append(variety)
    for parameter in await session.scalars(
        select(QualityParameter)
        .where(QualityParameter.commodity_id.in_(ids))
        .order_by(QualityParameter.position, QualityParameter.name)
    ):
        parameters[parameter.commodity_id].append(parameter)
    return varieties, parameters


def variety_read(variety: Variety) -> VarietyRead:
    specs = loaded_specs(variety.quality_specs)
    return VarietyRead(
        id=variety.id,
        name=variety.name,
        aliases=list(variety.aliases),
        quality_specs={p: BoundsRead(min=s["min"], max=s["max"]) for p, s in specs.items()},
        is_active=variety.is_active,
    )


def parameter_read(parameter: QualityParameter) -> ParameterRead:
    return ParameterRead(
        id=parameter.id,
        name=parameter.name,
        label=parameter.label,
        unit=parameter.unit,
        min=parameter.min,
        max=parameter.max,
        weight=parameter.weight,
        is_active=parameter.is_active,
    )


async def commodity_reads(
    session: AsyncSession, commodities: Sequence[Commodity]
) -> list[CommodityRead]:
    """Answers for many commodities in two extra queries, whatever their number."""
    varieties, parameters = await _children(session, [c.id for c in commodities])
    return [
        CommodityRead(
            id=c.id,
            name=c.name,
            hsn_code=c.hsn_code,
            gst_rate=c.gst_rate,
            unit=c.unit,
            rate_unit=c.rate_unit,
            aliases=list(c.aliases),
            is_active=c.is_active,
            varieties=[variety_read(v) for v in varieties[c.id]],
            parameters=[parameter_read(p) for p in parameters[c.id]],
            created_at=c.created_at,
            updated_at=c.updated_at,
            version=c.version,
        )
        for c in commodities
    ]


async def get_commodity(session: AsyncSession, commodity_id: uuid.UUID) -> Commodity:
    commodity = await session.get(Commodity, commodity_id)
    if commodity is None or commodity.deleted_at is not None:
        raise CommodityNotFound("No such commodity")
    return commodity


async def resolve_variety(
    session: AsyncSession, commodity_id: uuid.UUID, text: str
) -> Variety | None:
    """The active variety of a commodity named ``text`` or one of its aliases, compared
    case-insensitively and ignoring spaces, dashes, dots and underscores (one indexed query);
    ``None`` for a deactivated variety or a deleted commodity."""
    key = match_key(text)
    if not key:
        return None
    return await session.scalar(
        select(Variety)
        .join(VarietyKey, VarietyKey.variety_id == Variety.id)
        .join(Commodity, Commodity.id == VarietyKey.commodity_id)
        .where(
            VarietyKey.commodity_id == commodity_id,
            VarietyKey.key == key,
            Variety.is_active.is_(True),
            Commodity.deleted_at.is_(None),
        )
    )


# --- validation ------------------------------------------------------------------------------


def _keys_of(name: str, aliases: Iterable[str]) -> list[tuple[str, Loc]]:
    keys: list[tuple[str, Loc]] = [(match_key(name), ["name"])]
    keys += [(match_key(alias), ["aliases", i]) for i, alias in enumerate(aliases)]
    return keys


def _check_keys(
    taken: dict[str, Any], owner: Any, name: str, aliases: Sequence[str], loc: Loc
) -> set[str]:
    """The match keys of one variety; 422 when one is blank or belongs to another variety."""
    mine: set[str] = set()
    for key, where in _keys_of(name, aliases):
        if not key:
            raise field_error(
                [*loc, *where], "A name or alias needs a letter or digit", "variety.blank"
            )
        if taken.get(key, owner) != owner:
            field = "name" if where == ["name"] else "alias"
            raise field_error(
                [*loc, *where],
                f"The {field} {(name if where == ['name'] else aliases[int(where[1])])!r} "
                "already names another variety of this commodity",
                "variety.alias_taken",
            )
        taken[key] = owner
        mine.add(key)
    return mine


def _dedupe(aliases: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for alias in aliases:
        seen.setdefault(alias.casefold(), alias)
    return list(seen.values())


def _check_specs(
    specs: dict[str, Any], parameters: Iterable[QualityParameter], loc: Loc
) -> dict[str, Any]:
    bounds = {p.name: (p.min, p.max) for p in parameters if p.is_active}
    plain_specs = {name: {"min": b.min, "max": b.max} for name, b in specs.items()}
    errors = spec_errors(plain_specs, bounds)
    if errors:
        where, message, kind = errors[0]
        raise field_error([*loc, "quality_specs", *where], message, f"variety.spec_{kind}")
    return stored_specs(plain_specs)


async def _name_free(session: AsyncSession, name: str, *, other_than: uuid.UUID | None) -> str:
    key = name.casefold()
    existing = await session.scalar(select(Commodity).where(Commodity.name_key == key))
    if existing is not None and existing.id != other_than:
        deleted = " (deleted)" if existing.deleted_at is not None else ""
        raise NameTaken(f"A commodity{deleted} is named {existing.name!r}")
    return key


# --- commodities -----------------------------------------------------------------------------


def _new_parameter(
    commodity_id: uuid.UUID, body: ParameterCreate, position: int
) -> QualityParameter:
    return QualityParameter(
        id=uuid.uuid4(),
        commodity_id=commodity_id,
        name=body.name,
        label=body.label,
        unit=body.unit,
        min=body.min,
        max=body.max,
        weight=body.weight,
        is_active=True,
        position=position,
    )


def _new_variety(
    commodity_id: uuid.UUID,
    body: VarietyCreate,
    parameters: Iterable[QualityParameter],
    taken: dict[str, Any],
    loc: Loc,
    position: int,
) -> tuple[Variety, set[str]]:
    variety_id = uuid.uuid4()
    aliases = _dedupe(body.aliases)
    keys = _check_keys(taken, variety_id, body.name, aliases, loc)
    variety = Variety(
        id=variety_id,
        commodity_id=commodity_id,
        name=body.name,
        name_key=match_key(body.name),
        aliases=aliases,
        quality_specs=_check_specs(body.quality_specs, parameters, loc),
        is_active=True,
        position=position,
    )
    return variety, keys


def _variety_audit(variety: Variety) -> dict[str, Any]:
    return {
        "name": variety.name,
        "aliases": list(variety.aliases),
        "quality_specs": variety.quality_specs,
    }


async def create_commodity(
    session: AsyncSession, actor: AuditActor, body: CommodityCreate
) -> Commodity:
    names = [p.name for p in body.parameters]
    for i, name in enumerate(names):
        if names.index(name) != i:
            raise field_error(
                ["parameters", i, "name"],
                f"Parameter {name} is listed twice",
                "parameter.duplicate",
            )
    key = await _name_free(session, body.name, other_than=None)
    commodity = Commodity(
        id=uuid.uuid4(),
        name=body.name,
        name_key=key,
        hsn_code=body.hsn_code,
        gst_rate=body.gst_rate,
        unit=body.unit.value,
        rate_unit=body.rate_unit.value,
        aliases=_dedupe(body.aliases),
        is_active=True,
    )
    parameters = [_new_parameter(commodity.id, p, i) for i, p in enumerate(body.parameters)]
    taken: dict[str, Any] = {}
    varieties: list[tuple[Variety, set[str]]] = [
        _new_variety(commodity.id, v, parameters, taken, ["varieties", i], i)
        for i, v in enumerate(body.varieties)
    ]
    session.add(commodity)
    await session.flush()
    session.add_all(parameters)
    session.add_all(v for v, _ in varieties)
    await session.flush()
    session.add_all(
        VarietyKey(commodity_id=commodity.id, key=k, variety_id=v.id)
        for v, keys in varieties
        for k in keys
    )
    await session.flush()
    changes = diff({}, snapshot(commodity))
    changes["varieties"] = {"old": None, "new": [_variety_audit(v) for v, _ in varieties]}
    changes["parameters"] = {"old": None, "new": [snapshot(p) for p in parameters]}
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="commodity",
        entity_id=commodity.id,
        changes=changes,
    )
    return commodity


async def update_commodity(
    session: AsyncSession, actor: AuditActor, commodity: Commodity, body: CommodityUpdate
) -> Commodity:
    before = snapshot(commodity)
    fields = body.model_dump(exclude_unset=True)
    if fields.get("name") is not None and fields["name"] != commodity.name:
        commodity.name_key = await _name_free(session, fields["name"], other_than=commodity.id)
        commodity.name = fields["name"]
    for field in ("hsn_code", "gst_rate", "unit", "rate_unit", "is_active"):
        if fields.get(field) is not None:
            value = fields[field]
            setattr(commodity, field, value.value if hasattr(value, "value") else value)
    if body.aliases is not None:
        commodity.aliases = _dedupe(body.aliases)
    changes = diff(before, snapshot(commodity))
    if changes:
        await session.flush()
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="commodity",
            entity_id=commodity.id,
            changes=changes,
        )
    return commodity


async def delete_commodity(session: AsyncSession, actor: AuditActor, commodity: Commodity) -> None:
    """Soft delete: the row stays for the contracts that name it; it leaves lists and lookups."""
    commodity.deleted_at = utcnow()
    commodity.is_active = False
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="delete",
        entity_type="commodity",
        entity_id=commodity.id,
        changes={"deleted_at": {"old": None, "new": commodity.deleted_at}},
    )


async def _touch(session: AsyncSession, commodity: Commodity) -> None:
    """A change to a variety or parameter is a change of its commodity: a new version."""
    commodity.updated_at = utcnow()
    await session.flush()


# --- varieties -------------------------------------------------------------------------------


async def _taken_keys(session: AsyncSession, commodity_id: uuid.UUID) -> dict[str, Any]:
    rows = await session.execute(
        select(VarietyKey.key, VarietyKey.variety_id).where(VarietyKey.commodity_id == commodity_id)
    )
    return {key: variety_id for key, variety_id in rows}


async def _parameters(session: AsyncSession, commodity_id: uuid.UUID) -> list[QualityParameter]:
    return list(
        await session.scalars(
            select(QualityParameter).where(QualityParameter.commodity_id == commodity_id)
        )
    )


async def add_variety(
    session: AsyncSession, actor: AuditActor, commodity: Commodity, body: VarietyCreate
) -> Variety:
    taken = await _taken_keys(session, commodity.id)
    parameters = await _parameters(session, commodity.id)
    position = len(set(taken.values()))
    variety, keys = _new_variety(commodity.id, body, parameters, taken, [], position)
    session.add(variety)
    await session.flush()
    session.add_all(
        VarietyKey(commodity_id=commodity.id, key=k, variety_id=variety.id) for k in keys
    )
    await _touch(session, commodity)
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="variety",
        entity_id=variety.id,
        changes={k: {"old": None, "new": v} for k, v in _variety_audit(variety).items()},
    )
    return variety


async def get_variety(
    session: AsyncSession, commodity: Commodity, variety_id: uuid.UUID
) -> Variety:
    variety = await session.get(Variety, variety_id)
    if variety is None or variety.commodity_id != commodity.id:
        raise VarietyNotFound("No such variety of this commodity")
    return variety


async def update_variety(
    session: AsyncSession,
    actor: AuditActor,
    commodity: Commodity,
    variety: Variety,
    body: VarietyUpdate,
) -> Variety:
    before = snapshot(variety)
    fields = body.model_dump(exclude_unset=True)
    if fields.get("name") is not None or fields.get("aliases") is not None:
        name = body.name if body.name is not None else variety.name
        aliases = _dedupe(body.aliases) if body.aliases is not None else list(variety.aliases)
        taken = {
            k: v for k, v in (await _taken_keys(session, commodity.id)).items() if v != variety.id
        }
        keys = _check_keys(taken, variety.id, name, aliases, [])
        await session.execute(delete(VarietyKey).where(VarietyKey.variety_id == variety.id))
        session.add_all(
            VarietyKey(commodity_id=commodity.id, key=k, variety_id=variety.id) for k in keys
        )
        variety.name, variety.name_key, variety.aliases = name, match_key(name), aliases
    if body.quality_specs is not None:
        parameters = await _parameters(session, commodity.id)
        variety.quality_specs = _check_specs(body.quality_specs, parameters, [])
    if body.is_active is not None:
        variety.is_active = body.is_active
    changes = diff(before, snapshot(variety))
    if changes:
        await session.flush()
        await _touch(session, commodity)
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="variety",
            entity_id=variety.id,
            changes=changes,
        )
    return variety


# --- parameters ------------------------------------------------------------------------------


async def add_parameter(
    session: AsyncSession, actor: AuditActor, commodity: Commodity, body: ParameterCreate
) -> QualityParameter:
    parameters = await _parameters(session, commodity.id)
    if any(p.name == body.name for p in parameters):
        raise field_error(["name"], f"Parameter {body.name} exists", "parameter.duplicate")
    parameter = _new_parameter(commodity.id, body, len(parameters))
    session.add(parameter)
    await session.flush()
    await _touch(session, commodity)
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="quality_parameter",
        entity_id=parameter.id,
        changes=diff({}, snapshot(parameter)),
    )
    return parameter


async def get_parameter(
    session: AsyncSession, commodity: Commodity, parameter_id: uuid.UUID
) -> QualityParameter:
    parameter = await session.get(QualityParameter, parameter_id)
    if parameter is None or parameter.commodity_id != commodity.id:
        raise ParameterNotFound("No such parameter of this commodity")
    return parameter


async def update_parameter(
    session: AsyncSession,
    actor: AuditActor,
    commodity: Commodity,
    parameter: QualityParameter,
    body: ParameterUpdate,
) -> QualityParameter:
    before = snapshot(parameter)
    fields = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    low: Decimal = fields.get("min", parameter.min)
    high: Decimal = fields.get("max", parameter.max)
    if low > high:
        raise field_error(["min"], "min must not exceed max", "parameter.bounds")
    for field, value in fields.items():
        setattr(parameter, field, value)
    # Narrowed bounds must still hold every variety's default spec of this parameter.
    for variety in await session.scalars(
        select(Variety).where(Variety.commodity_id == commodity.id)
    ):
        spec = loaded_specs(variety.quality_specs).get(parameter.name)
        if spec is None or not parameter.is_active:
            continue
        for end in ("min", "max"):
            value = spec[end]
            if value is not None and not low <= value <= high:
                raise field_error(
                    [end],
                    f"Variety {variety.name} specifies {parameter.name} {end} {value}, "
                    "outside the new bounds",
                    "parameter.bounds_exclude_spec",
                )
    changes = diff(before, snapshot(parameter))
    if changes:
        await session.flush()
        await _touch(session, commodity)
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="quality_parameter",
            entity_id=parameter.id,
            changes=changes,
        )
    return parameter
