"""Station use cases; states are read-only reference data. Every change is audited."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.geo import repository
from tradehub.geo.models import State, Station
from tradehub.geo.schemas import StationCreate, StationUpdate
from tradehub.kit.errors import Conflict, NotFound
from tradehub.kit.identifiers import invalid_field

AUDIT_EXCLUDE = frozenset({"created_at", "updated_at", "version", "name_key"})


class StationNotFound(NotFound):
    code = "station.not_found"


async def list_states(session: AsyncSession) -> list[State]:
    return await repository.all_states(session)


async def require_state(session: AsyncSession, code: str, *, field: str = "state_code") -> State:
    """The state with this GST code, or a 422 naming ``field``. Other modules call this."""
    found = await repository.state(session, code)
    if found is None:
        raise invalid_field(field, f"{code!r} is not a known state code", code="state.unknown")
    return found


async def _check_unique(
    session: AsyncSession, state_code: str, name_key: str, *, except_id: uuid.UUID | None = None
) -> None:
    existing = await repository.station_named(session, state_code, name_key)
    if existing is not None and existing.id != except_id:
        raise Conflict("A station with this name exists in that state", code="station.duplicate")


async def create_station(session: AsyncSession, actor: AuditActor, body: StationCreate) -> Station:
    await require_state(session, body.state_code)
    name_key = body.name.casefold()
    await _check_unique(session, body.state_code, name_key)
    station = Station(
        name=body.name,
        name_key=name_key,
        state_code=body.state_code,
        region=body.region,
        is_active=True,
    )
    session.add(station)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="station",
        entity_id=station.id,
        changes=diff({}, snapshot(station, exclude=AUDIT_EXCLUDE)),
    )
    return station


async def get_station(session: AsyncSession, station_id: uuid.UUID) -> Station:
    station = await repository.station(session, station_id)
    if station is None:
        raise StationNotFound("No such station")
    return station


async def update_station(
    session: AsyncSession, actor: AuditActor, station: Station, body: StationUpdate
) -> Station:
    before = snapshot(station, exclude=AUDIT_EXCLUDE)
    fields = body.model_dump(exclude_unset=True)
    if fields.get("state_code") is not None:
        await require_state(session, fields["state_code"])
    name = fields.get("name") or station.name
    state_code = fields.get("state_code") or station.state_code
    if name.casefold() != station.name_key or state_code != station.state_code:
        await _check_unique(session, state_code, name.casefold(), except_id=station.id)
    station.name, station.name_key, station.state_code = name, name.casefold(), state_code
    if "region" in fields:
        station.region = fields["region"]
    if fields.get("is_active") is not None:
        station.is_active = fields["is_active"]
    return await _audited_update(session, actor, station, before, action="update")


async def deactivate_station(session: AsyncSession, actor: AuditActor, station: Station) -> None:
    """Soft delete: the station stays for the documents that name it."""
    if not station.is_active:
        return
    before = snapshot(station, exclude=AUDIT_EXCLUDE)
    station.is_active = False
    await _audited_update(session, actor, station, before, action="delete")


async def _audited_update(
    session: AsyncSession,
    actor: AuditActor,
    station: Station,
    before: dict[str, object],
    *,
    action: str,
) -> Station:
    changes = diff(before, snapshot(station, exclude=AUDIT_EXCLUDE))
    if changes:
        await session.flush()
        await audit(
            session,
            actor=actor,
            action=action,
            entity_type="station",
            entity_id=station.id,
            changes=changes,
        )
    return station
