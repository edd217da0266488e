"""Contract use cases: create, edit a draft, submit, approve (number and brokerage), reject,
amend (a new confirmed version), cancel; reads shaped for the caller.

Every state change locks the contract's row first, so racing decisions on one contract take
turns; every step writes an audit event in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, delete
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.approval import service as approvals
from tradehub.approval.domain import makers
from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.contract import checks, mail, repository
from tradehub.contract.domain import (
    AMENDABLE,
    DISPUTABLE,
    FIXED_ON_AMEND,
    ContractAction,
    ContractStatus,
    Side,
    brokerage,
    next_status,
)
from tradehub.contract.errors import (
    ContractDisputed,
    ContractNotFound,
    ContractVersionNotFound,
    InvalidTransition,
)
from tradehub.contract.models import Contract, ContractCommission, ContractVersion
from tradehub.contract.schemas import (
    ContractCreate,
    ContractFields,
    ContractRead,
    ContractUpdate,
    ContractVersionRead,
)
from tradehub.kit.errors import Conflict, Unprocessable
from tradehub.kit.pagination import PageParams, paginate
from tradehub.kit.types import utcnow
from tradehub.masters.models import CommissionStructure
from tradehub.numbering import service as numbering

ENTITY = "contract"
APPROVAL_ACTION = "contract.confirmation"
SERIES = "SC"
_INTERNAL_USER_FIELDS = ("created_by_id", "submitted_by_id", "approved_by_id")


# --- reading ---------------------------------------------------------------------------------


def visible_contracts(principal: Principal) -> Select[Any]:
    return repository.visible_contracts(principal)


async def get_contract(
    session: AsyncSession, principal: Principal, contract_id: uuid.UUID
) -> Contract:
    contract: Contract | None = await session.scalar(
        visible_contracts(principal).where(Contract.id == contract_id)
    )
    if contract is None:
        raise ContractNotFound("No such contract")
    return contract


def _plain(contract: Contract, commissions: list[ContractCommission]) -> dict[str, Any]:
    """The full answer (every side's brokerage) as JSON-native values."""
    data = {
        name: getattr(contract, name)
        for name in ContractRead.model_fields
        if name != "commissions" and hasattr(contract, name)
    }
    data["commissions"] = [
        {"party_id": c.party_id, "side": c.side, "amount": c.amount} for c in commissions
    ]
    return ContractRead.model_validate(data).model_dump(mode="json")


def for_viewer(data: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """A partner's users never see the other side's brokerage or who worked on it inside the
    broker (security-reliability.md): only their own side's commission and structure."""
    if principal.partner_id is None:
        return data
    own = str(principal.partner_id)
    shaped = dict(data)
    for side in Side:
        if shaped.get(f"{side.value}_id") != own:
            shaped[f"{side.value}_commission_structure_id"] = None
    shaped["commissions"] = [c for c in data.get("commissions", []) if c["party_id"] == own]
    for name in _INTERNAL_USER_FIELDS:
        shaped[name] = None
    return shaped


async def contract_reads(
    session: AsyncSession, principal: Principal, contracts: list[Contract]
) -> list[ContractRead]:
    """Answers for many contracts in one extra query, whatever their number."""
    commissions = await repository.commissions_by_contract(session, [c.id for c in contracts])
    return [
        ContractRead.model_validate(
            for_viewer(_plain(contract, commissions[contract.id]), principal)
        )
        for contract in contracts
    ]


async def contract_read(
    session: AsyncSession, principal: Principal, contract: Contract
) -> ContractRead:
    return (await contract_reads(session, principal, [contract]))[0]


async def versions(
    session: AsyncSession, principal: Principal, contract: Contract, paging: PageParams
) -> tuple[list[ContractVersionRead], int]:
    rows, total = await paginate(
        session,
        repository.versions_statement(contract.id),
        paging,
        [ContractVersion.revision],
    )
    return [_version_read(v, principal) for v in rows], total


async def version(
    session: AsyncSession, principal: Principal, contract: Contract, revision: int
) -> ContractVersionRead:
    found = await repository.version_of(session, contract.id, revision)
    if found is None:
        raise ContractVersionNotFound(f"This contract has no version {revision}")
    return _version_read(found, principal)


def _version_read(row: ContractVersion, principal: Principal) -> ContractVersionRead:
    return ContractVersionRead(
        revision=row.revision,
        reason=row.reason,
        changed_by_id=None if principal.partner_id else row.changed_by_id,
        created_at=row.created_at,
        contract=for_viewer(row.snapshot, principal),
    )


# --- creating and editing --------------------------------------------------------------------


def _fields_of(contract: Contract) -> dict[str, Any]:
    """The contract as a client would send it (for merging an edit or an amendment)."""
    return {
        "organization_id": contract.organization_id,
        "contract_date": contract.contract_date,
        "seller_id": contract.seller_id,
        "seller_branch_id": contract.seller_branch_id,
        "buyer_id": contract.buyer_id,
        "buyer_branch_id": contract.buyer_branch_id,
        "commodity_id": contract.commodity_id,
        "variety": contract.variety,
        "bales": contract.bales,
        "rate": format(contract.rate, "f"),
        "rate_unit": contract.rate_unit,
        "quality": {
            name: {end: value for end, value in spec.items() if value is not None}
            for name, spec in contract.quality.items()
        },
        "delivery_terms": str(contract.delivery_term_id),
        "payment_terms": str(contract.payment_term_id),
        "station_id": contract.station_id,
        "seller_commission_structure_id": contract.seller_commission_structure_id,
        "buyer_commission_structure_id": contract.buyer_commission_structure_id,
    }


def _apply(contract: Contract, resolved: checks.Resolved) -> None:
    fields = resolved.fields
    contract.organization_id = fields.organization_id
    contract.financial_year = resolved.financial_year
    contract.contract_date = fields.contract_date
    contract.seller_id = fields.seller_id
    contract.seller_branch_id = fields.seller_branch_id
    contract.buyer_id = fields.buyer_id
    contract.buyer_branch_id = fields.buyer_branch_id
    contract.commodity_id = fields.commodity_id
    contract.variety = resolved.variety
    contract.bales = fields.bales
    contract.rate = fields.rate
    contract.rate_unit = fields.rate_unit.value
    contract.quality = resolved.quality
    contract.delivery_term_id = resolved.delivery.id
    contract.delivery_terms = resolved.delivery.name
    contract.payment_term_id = resolved.payment.id
    contract.payment_terms = resolved.payment.name
    contract.station_id = fields.station_id
    contract.seller_commission_structure_id = fields.seller_commission_structure_id
    contract.buyer_commission_structure_id = fields.buyer_commission_structure_id
    contract.contract_value = resolved.contract_value


def _audited(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, name) for name in ContractFields.model_fields} | {
        "variety": contract.variety,
        "contract_value": contract.contract_value,
        "contract_no": contract.contract_no,
        "status": contract.status,
        "revision": contract.revision,
        "delivery_terms": contract.delivery_terms,
        "payment_terms": contract.payment_terms,
    }


async def create_contract(
    session: AsyncSession, actor: AuditActor, body: ContractCreate
) -> Contract:
    resolved = await checks.resolve(session, body)
    contract = Contract(status=ContractStatus.DRAFT, revision=0, created_by_id=actor.user_id)
    _apply(contract, resolved)
    session.add(contract)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=contract.id,
        changes=diff({}, _audited(contract)),
    )
    return contract


def _merged(contract: Contract, changes: dict[str, Any], *, loc: tuple[str, ...]) -> ContractFields:
    try:
        return ContractFields.model_validate({**_fields_of(contract), **changes})
    except ValidationError as error:
        errors = [
            {"loc": ["body", *loc, *e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in error.errors(include_url=False, include_context=False)
        ]
        raise Unprocessable("Invalid changes", code="validation.invalid", errors=errors) from None


async def _locked(session: AsyncSession, contract: Contract) -> Contract:
    locked = await repository.lock(session, contract.id)
    if locked is None:  # pragma: no cover - it was just read
        raise ContractNotFound("No such contract")
    return locked


def _require(contract: Contract, action: ContractAction) -> ContractStatus:
    current = ContractStatus(contract.status)
    target = next_status(current, action)
    if target is None and current is ContractStatus.DISPUTED:
        raise ContractDisputed(
            f"The contract has an open dispute: resolve or withdraw it before you {action} it"
        )
    if target is None:
        raise InvalidTransition(f"A contract that is {current} cannot be sent to {action}")
    return target


async def update_contract(
    session: AsyncSession, actor: AuditActor, contract: Contract, body: ContractUpdate
) -> Contract:
    """A draft or rejected contract, edited directly (its version bumps, no new revision)."""
    contract = await _locked(session, contract)
    _require(contract, ContractAction.UPDATE)
    changes = body.model_dump(exclude_unset=True, mode="json")
    if not changes:
        return contract
    resolved = await checks.resolve(session, _merged(contract, changes, loc=()))
    before = _audited(contract)
    _apply(contract, resolved)
    changed = diff(before, _audited(contract))
    if changed:
        await session.flush()
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type=ENTITY,
            entity_id=contract.id,
            changes=changed,
        )
    return contract


# --- lifecycle -------------------------------------------------------------------------------


async def _moved(
    session: AsyncSession,
    actor: AuditActor,
    contract: Contract,
    action: ContractAction,
    *,
    reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Contract:
    current = contract.status
    contract.status = _require(contract, action)
    contract.status_reason = reason
    await session.flush()
    await audit(
        session,
        actor=actor,
        action=str(action),
        entity_type=ENTITY,
        entity_id=contract.id,
        changes={"status": {"old": current, "new": contract.status}, **(extra or {})},
        reason=reason,
    )
    return contract


async def submit(session: AsyncSession, actor: AuditActor, contract: Contract) -> Contract:
    contract = await _locked(session, contract)
    _require(contract, ContractAction.SUBMIT)
    # The parties and the year may have changed since the draft was written.
    await checks.resolve(session, _merged(contract, {}, loc=()))
    contract.submitted_by_id = actor.user_id
    await approvals.open_request(
        session,
        entity_type=ENTITY,
        entity_id=contract.id,
        action=APPROVAL_ACTION,
        requested_by_id=actor.user_id,
        maker_ids=makers(contract.created_by_id, actor.user_id),
        summary=f"Confirm contract of {contract.bales} bales {contract.variety}",
    )
    return await _moved(session, actor, contract, ContractAction.SUBMIT)


async def _decide(
    session: AsyncSession,
    actor: AuditActor,
    contract: Contract,
    *,
    approve: bool,
    reason: str | None,
) -> None:
    _require(contract, ContractAction.APPROVE if approve else ContractAction.REJECT)
    request = await approvals.pending_request(
        session, entity_type=ENTITY, entity_id=contract.id, action=APPROVAL_ACTION
    )
    if request is None:  # pragma: no cover - submit always opens one
        raise InvalidTransition("This contract has no pending approval request")
    assert actor.user_id is not None, "decisions are taken by signed-in users"
    await approvals.decide(
        session, request, decided_by_id=actor.user_id, approve=approve, reason=reason
    )


async def approve(session: AsyncSession, actor: AuditActor, contract: Contract) -> Contract:
    """pending_approval → confirmed: the next number of the organization's financial year of
    ``contract_date`` (taken in this transaction: gapless), the brokerage of each side, and
    version 1."""
    contract = await _locked(session, contract)
    await _decide(session, actor, contract, approve=True, reason=None)
    year = await checks.open_year(session, contract.organization_id, contract.contract_date)
    contract.contract_no = await numbering.next_number(
        session, organization_id=contract.organization_id, financial_year=year, series=SERIES
    )
    contract.approved_by_id = actor.user_id
    contract.approved_at = utcnow()
    contract.revision = 1
    contract = await _moved(
        session,
        actor,
        contract,
        ContractAction.APPROVE,
        extra={"contract_no": {"old": None, "new": contract.contract_no}},
    )
    await _record_commissions(session, contract)
    await _write_version(session, actor, contract, reason="confirmation")
    await mail.contract_confirmed(session, actor, contract)
    return contract


async def reject(
    session: AsyncSession, actor: AuditActor, contract: Contract, *, reason: str
) -> Contract:
    contract = await _locked(session, contract)
    await _decide(session, actor, contract, approve=False, reason=reason)
    return await _moved(session, actor, contract, ContractAction.REJECT, reason=reason)


async def cancel(
    session: AsyncSession, actor: AuditActor, contract: Contract, *, reason: str
) -> Contract:
    """draft, pending_approval or confirmed → cancelled. A pending approval request is
    withdrawn; a confirmed contract's number is entered in the register of cancelled numbers
    (never given again)."""
    contract = await _locked(session, contract)
    _require(contract, ContractAction.CANCEL)
    if contract.status == ContractStatus.PENDING_APPROVAL:
        request = await approvals.pending_request(
            session, entity_type=ENTITY, entity_id=contract.id, action=APPROVAL_ACTION
        )
        if request is not None:
            await approvals.cancel(session, request, cancelled_by_id=actor.user_id)
    if contract.contract_no is not None:
        await numbering.cancel_number(
            session,
            organization_id=contract.organization_id,
            financial_year=contract.financial_year,
            series=SERIES,
            number=contract.contract_no,
            document_type=ENTITY,
            document_id=contract.id,
            reason=reason,
            actor=actor,
        )
    contract.cancelled_by_id = actor.user_id
    contract.cancelled_at = utcnow()
    return await _moved(session, actor, contract, ContractAction.CANCEL, reason=reason)


async def amend(
    session: AsyncSession,
    actor: AuditActor,
    contract: Contract,
    *,
    changes: dict[str, Any],
    reason: str,
) -> Contract:
    """A confirmed contract changes into its next version: same id, number and status,
    ``revision`` + 1 (and ``version``), value and brokerage recomputed, the diff audited."""
    contract = await _locked(session, contract)
    _require(contract, ContractAction.AMEND)
    _check_amendable(changes)
    fields = _merged(contract, changes, loc=("changes",))
    resolved = await checks.resolve(session, fields, parties_must_be_active=False)
    if resolved.financial_year != contract.financial_year:
        raise Unprocessable(
            "An amendment keeps the contract in its financial year (its number is of that year)",
            code="contract.amend_financial_year",
            errors=[
                {
                    "loc": ["body", "changes", "contract_date"],
                    "msg": f"outside {contract.financial_year}",
                    "type": "contract.amend_financial_year",
                }
            ],
        )
    before = _audited(contract)
    _apply(contract, resolved)
    changed = diff(before, _audited(contract))
    if not changed:
        raise Unprocessable(
            "These changes change nothing",
            code="contract.amend_no_change",
            errors=[
                {"loc": ["body", "changes"], "msg": "no change", "type": "contract.amend_no_change"}
            ],
        )
    contract.revision += 1
    contract.status_reason = reason
    await session.flush()
    await _record_commissions(session, contract)
    await _write_version(session, actor, contract, reason=reason)
    await audit(
        session,
        actor=actor,
        action="amend",
        entity_type=ENTITY,
        entity_id=contract.id,
        changes={**changed, "revision": {"old": contract.revision - 1, "new": contract.revision}},
        reason=reason,
    )
    await mail.contract_amended(session, actor, contract, reason=reason, changed=changed)
    return contract


def _check_amendable(changes: dict[str, Any]) -> None:
    errors: list[dict[str, Any]] = []
    for name in changes:
        if name in FIXED_ON_AMEND:
            errors.append(
                {
                    "loc": ["body", "changes", name],
                    "msg": f"{name} cannot be amended: cancel and make a new contract",
                    "type": "contract.amend_not_allowed",
                }
            )
        elif name not in AMENDABLE:
            errors.append(
                {
                    "loc": ["body", "changes", name],
                    "msg": f"{name} is not a contract field",
                    "type": "contract.amend_unknown_field",
                }
            )
    if errors:
        raise Unprocessable(
            "Fields that cannot be amended", code=str(errors[0]["type"]), errors=errors
        )


async def _record_commissions(session: AsyncSession, contract: Contract) -> None:
    """The brokerage due from each side with a commission structure, (re)computed from the
    contract's value and bales; amounts already billed do not change (409)."""
    existing = {
        c.side: c
        for c in (await repository.commissions_by_contract(session, [contract.id]))[contract.id]
    }
    for side in Side:
        structure_id = getattr(contract, f"{side.value}_commission_structure_id")
        party_id = getattr(contract, f"{side.value}_id")
        row = existing.get(side.value)
        structure = await session.get(CommissionStructure, structure_id) if structure_id else None
        if row is not None and row.brokerage_bill_id is not None:
            raise Conflict(
                f"The {side.value}'s brokerage is already billed",
                code="contract.commission_billed",
            )
        if structure is None:
            if row is not None:
                await session.execute(
                    delete(ContractCommission).where(ContractCommission.id == row.id)
                )
            continue
        amount = brokerage(
            kind=structure.kind,
            value=structure.value,
            contract_value=contract.contract_value,
            bales=contract.bales,
        )
        if row is None:
            row = ContractCommission(contract_id=contract.id, side=side.value)
            session.add(row)
        row.party_id = party_id
        row.commission_structure_id = structure.id
        row.kind = structure.kind
        row.value = structure.value
        row.amount = amount
    await session.flush()


async def _write_version(
    session: AsyncSession, actor: AuditActor, contract: Contract, *, reason: str | None
) -> None:
    commissions = (await repository.commissions_by_contract(session, [contract.id]))[contract.id]
    session.add(
        ContractVersion(
            contract_id=contract.id,
            revision=contract.revision,
            snapshot=_plain(contract, commissions),
            reason=reason,
            changed_by_id=actor.user_id,
        )
    )
    await session.flush()


# --- disputes (the dispute module counts its disputes; the contract only shows the flag) ----


async def lock_contract(session: AsyncSession, contract_id: uuid.UUID) -> Contract:
    """The contract's row held until the transaction ends, reloaded. The dispute module takes
    it before it counts a contract's open disputes, so racing disputes on one contract take
    turns (PostgreSQL ``FOR UPDATE``; SQLite writers are serialised by ``BEGIN IMMEDIATE``)."""
    locked = await repository.lock(session, contract_id)
    if locked is None:
        raise ContractNotFound("No such contract")
    return locked


async def mark_disputed(
    session: AsyncSession, actor: AuditActor, contract: Contract, *, reason: str
) -> Contract:
    """A dispute opened: confirmed → disputed (audited ``dispute``, ``version`` up); a contract
    already disputed stays as it is. Anything else is 409 ``contract.invalid_transition``."""
    contract = await _locked(session, contract)
    if contract.status == ContractStatus.DISPUTED:
        return contract
    if contract.status not in DISPUTABLE:
        raise InvalidTransition(f"A contract that is {contract.status} cannot be disputed")
    return await _flagged(session, actor, contract, ContractStatus.DISPUTED, reason=reason)


async def clear_disputed(
    session: AsyncSession, actor: AuditActor, contract: Contract, *, reason: str
) -> Contract:
    """The last open dispute ended (the caller counted them under ``lock_contract``):
    disputed → confirmed (audited ``dispute_cleared``, ``version`` up); otherwise a no-op."""
    contract = await _locked(session, contract)
    if contract.status != ContractStatus.DISPUTED:
        return contract
    return await _flagged(session, actor, contract, ContractStatus.CONFIRMED, reason=reason)


async def _flagged(
    session: AsyncSession,
    actor: AuditActor,
    contract: Contract,
    status: ContractStatus,
    *,
    reason: str,
) -> Contract:
    current = contract.status
    contract.status = status
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="dispute" if status is ContractStatus.DISPUTED else "dispute_cleared",
        entity_type=ENTITY,
        entity_id=contract.id,
        changes={"status": {"old": current, "new": contract.status}},
        reason=reason,
    )
    return contract
