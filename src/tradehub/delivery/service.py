"""Delivery-order use cases: schedule a DO against a contract, dispatch, deliver, cancel;
reads shaped for the caller.

Creation locks the contract's row before it sums the bales already on DOs, so racing creates
on one contract take turns and the DOs that count never hold more bales than the contract.
The DO number (``DO/26-27/00001``) is taken in the same transaction: gapless.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.contract import service as contracts
from tradehub.contract.models import Contract
from tradehub.delivery import cci_service, repository
from tradehub.delivery.domain import DeliveryAction, DeliveryStatus, next_status
from tradehub.delivery.errors import DeliveryOrderNotFound, InvalidTransition
from tradehub.delivery.models import DeliveryOrder
from tradehub.delivery.schemas import DeliveryOrderCreate, DeliveryOrderRead
from tradehub.financial_year.service import require_open_year
from tradehub.geo.models import Station
from tradehub.kit.errors import Unprocessable
from tradehub.kit.identifiers import invalid_field
from tradehub.kit.types import utcnow
from tradehub.numbering import service as numbering

ENTITY = "delivery_order"
SERIES = "DO"


# --- reading ---------------------------------------------------------------------------------


def visible_delivery_orders(principal: Principal) -> Select[Any]:
    return repository.visible_delivery_orders(principal)


async def get_delivery_order(
    session: AsyncSession, principal: Principal, order_id: uuid.UUID
) -> DeliveryOrder:
    order: DeliveryOrder | None = await session.scalar(
        visible_delivery_orders(principal).where(DeliveryOrder.id == order_id)
    )
    if order is None:
        raise DeliveryOrderNotFound("No such delivery order")
    return order


def delivery_order_read(order: DeliveryOrder) -> DeliveryOrderRead:
    return DeliveryOrderRead.model_validate(order)


async def contract_of(session: AsyncSession, order: DeliveryOrder) -> Contract:
    """The DO's contract (whoever sees the DO sees its contract)."""
    contract = await session.get(Contract, order.contract_id)
    if contract is None:  # pragma: no cover - a foreign key
        raise DeliveryOrderNotFound("The delivery order's contract is missing")
    return contract


# --- creating --------------------------------------------------------------------------------


async def _checked_contract(
    session: AsyncSession, principal: Principal, body: DeliveryOrderCreate
) -> Contract:
    # Visibility first (404), then the row lock that serialises DOs on this contract.
    visible = await contracts.get_contract(session, principal, body.contract_id)
    contract = await repository.lock_contract(session, visible.id)
    if contract is None:  # pragma: no cover - deleted between the two reads
        raise DeliveryOrderNotFound("No such contract")
    if contract.status not in cci_service.WORKING:
        raise invalid_field(
            "contract_id",
            f"the contract is {contract.status}; DOs are issued against a confirmed contract",
            code="delivery_order.contract_not_confirmed",
        )
    if body.lifting_from < contract.contract_date:
        raise invalid_field(
            "lifting_from",
            f"before the contract date {contract.contract_date.isoformat()}",
            code="delivery_order.lifting_before_contract",
        )
    return contract


async def _require_bales(session: AsyncSession, contract: Contract, bales: int) -> None:
    taken = await repository.bales_on_orders(session, contract.id)
    if taken + bales > contract.bales:
        left = max(0, contract.bales - taken)
        raise invalid_field(
            "bales",
            f"{taken} of the contract's {contract.bales} bales are on delivery orders; "
            f"{left} remain",
            code="delivery_order.exceeds_contract",
        )


async def _require_emd(session: AsyncSession, contract: Contract, on: date) -> None:
    """A CCI contract's DOs are blocked until its EMD is full (domain.md §3.6); the answer
    shows what is required, received and short."""
    basis = await cci_service.basis_or_none(session, contract)
    if basis is None:
        return
    standing = await cci_service.standing(session, basis, as_of=on)
    if standing.blocked:
        position = standing.position
        raise Unprocessable(
            f"The EMD of this CCI contract is short: required {position.required}, "
            f"received {position.paid}, short {position.shortfall}",
            code="delivery_order.emd_short",
            errors=[
                {
                    "loc": ["body", "contract_id"],
                    "msg": f"EMD short by {position.shortfall}",
                    "type": "delivery_order.emd_short",
                }
            ],
            emd_required=str(position.required),
            emd_received=str(position.paid),
            emd_shortfall=str(position.shortfall),
        )


async def _station(session: AsyncSession, body: DeliveryOrderCreate, contract: Contract) -> Any:
    if body.station_id is None:
        return contract.station_id
    if await session.get(Station, body.station_id) is None:
        raise invalid_field("station_id", "no such station", code="delivery_order.station_unknown")
    return body.station_id


async def create(
    session: AsyncSession, principal: Principal, actor: AuditActor, body: DeliveryOrderCreate
) -> DeliveryOrder:
    """A ``scheduled`` DO with its number, for a confirmed (or disputed) contract with bales to
    spare; refused while a CCI contract's EMD is short."""
    contract = await _checked_contract(session, principal, body)
    station_id = await _station(session, body, contract)
    do_date = body.do_date or cci_service.today_in_india()
    try:
        year = await require_open_year(session, contract.organization_id, do_date)
    except Unprocessable as error:
        raise invalid_field(
            "do_date", error.detail, code="financial_year.closed_or_missing"
        ) from None
    await _require_bales(session, contract, body.bales)
    await _require_emd(session, contract, do_date)
    order = DeliveryOrder(
        organization_id=contract.organization_id,
        financial_year=year.code,
        do_no=await numbering.next_number(
            session,
            organization_id=contract.organization_id,
            financial_year=year.code,
            series=SERIES,
        ),
        do_date=do_date,
        contract_id=contract.id,
        status=DeliveryStatus.SCHEDULED.value,
        bales=body.bales,
        lifting_from=body.lifting_from,
        lifting_to=body.lifting_to,
        station_id=station_id,
        vehicle=body.vehicle,
        notes=body.notes,
        created_by_id=principal.user_id,
    )
    session.add(order)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=order.id,
        changes=diff({}, snapshot(order)),
    )
    return order


# --- moving ----------------------------------------------------------------------------------


async def _locked(session: AsyncSession, order: DeliveryOrder) -> DeliveryOrder:
    locked = await repository.lock(session, order.id)
    if locked is None:  # pragma: no cover - DOs are never deleted
        raise DeliveryOrderNotFound("No such delivery order")
    return locked


async def _move(
    session: AsyncSession,
    actor: AuditActor,
    order: DeliveryOrder,
    action: DeliveryAction,
    *,
    reason: str | None = None,
    vehicle: str | None = None,
) -> DeliveryOrder:
    order = await _locked(session, order)
    current = DeliveryStatus(order.status)
    target = next_status(current, action)
    if target is None:
        raise InvalidTransition(f"A delivery order that is {current} cannot be sent to {action}")
    before = snapshot(order)
    if action is DeliveryAction.DISPATCH:
        order.vehicle = vehicle or order.vehicle
        if order.vehicle is None:
            raise invalid_field(
                "vehicle",
                "a dispatched DO names its vehicle",
                code="delivery_order.vehicle_required",
            )
    now = utcnow()
    order.status = target.value
    if target is DeliveryStatus.DISPATCHED:
        order.dispatched_at = now
    elif target is DeliveryStatus.DELIVERED:
        order.delivered_at = now
    else:
        order.cancelled_at = now
        order.status_reason = reason
    await session.flush()
    await audit(
        session,
        actor=actor,
        action=action.value,
        entity_type=ENTITY,
        entity_id=order.id,
        changes=diff(before, snapshot(order)),
        reason=reason,
    )
    return order


async def dispatch(
    session: AsyncSession, actor: AuditActor, order: DeliveryOrder, *, vehicle: str | None
) -> DeliveryOrder:
    """scheduled → dispatched (the lorry left); needs a vehicle, given now or at scheduling."""
    return await _move(session, actor, order, DeliveryAction.DISPATCH, vehicle=vehicle)


async def deliver(session: AsyncSession, actor: AuditActor, order: DeliveryOrder) -> DeliveryOrder:
    """dispatched → delivered (final)."""
    return await _move(session, actor, order, DeliveryAction.DELIVER)


async def cancel(
    session: AsyncSession, actor: AuditActor, order: DeliveryOrder, *, reason: str
) -> DeliveryOrder:
    """scheduled or dispatched → cancelled (final); its bales go back to the contract."""
    return await _move(session, actor, order, DeliveryAction.CANCEL, reason=reason)
