"""CCI use cases: which partners are the CCI (and buyers' EMD classes), the basis of a CCI
contract's figures (terms in force on its date, buyer class, CCI value), its EMD standing and
EMD deposits. The figures themselves are ``cci_figures``.

A contract is a **CCI contract** when its seller's CCI profile has ``is_cci``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.contract import service as contracts
from tradehub.contract.domain import BUYER_KINDS, SELLER_KINDS, ContractStatus
from tradehub.contract.models import Contract
from tradehub.delivery import repository
from tradehub.delivery.cci_domain import candy_rate, default_buyer_class, terms_from
from tradehub.delivery.cci_schemas import (
    BuyerClassSource,
    CciProfileIn,
    CciProfileRead,
    EmdDepositIn,
    EmdDepositRead,
    TermsSource,
    TermsUsed,
)
from tradehub.delivery.errors import NotCciContract
from tradehub.delivery.models import CciProfile, EmdDeposit
from tradehub.financial_year.domain import INDIA
from tradehub.financial_year.service import require_open_year
from tradehub.kit.errors import Conflict, NotFound, Unprocessable
from tradehub.kit.identifiers import invalid_field
from tradehub.kit.types import utcnow
from tradehub.masters import terms_service
from tradehub.partner.models import Partner
from tradehub.pricing.cci import BuyerClass, CciTerms, emd_required, provisional_value
from tradehub.pricing.cci_emd import Deposit, EmdStanding, emd_standing

WORKING = frozenset({ContractStatus.CONFIRMED.value, ContractStatus.DISPUTED.value})


def today_in_india() -> date:
    return utcnow().astimezone(INDIA).date()


# --- profiles --------------------------------------------------------------------------------


def _profile_read(partner: Partner, profile: CciProfile | None) -> CciProfileRead:
    chosen = profile.buyer_class if profile is not None else None
    return CciProfileRead(
        partner_id=partner.id,
        is_cci=bool(profile and profile.is_cci),
        buyer_class=BuyerClass(chosen) if chosen else default_buyer_class(partner.kind),
        buyer_class_source=BuyerClassSource.PROFILE if chosen else BuyerClassSource.PARTNER_KIND,
        version=profile.version if profile is not None else 0,
    )


async def profile_read(session: AsyncSession, partner: Partner) -> CciProfileRead:
    profile = (await repository.profiles_of(session, [partner.id])).get(partner.id)
    return _profile_read(partner, profile)


async def profile_version(session: AsyncSession, partner: Partner) -> int:
    return (await profile_read(session, partner)).version


async def set_profile(
    session: AsyncSession, actor: AuditActor, partner: Partner, body: CciProfileIn
) -> CciProfileRead:
    """Create or replace the partner's CCI profile (audited ``cci_profile`` on the partner's
    id). Only a seller or trader can be the CCI; only a buyer or trader has a buyer class."""
    errors: list[dict[str, Any]] = []
    if body.is_cci and partner.kind not in SELLER_KINDS:
        errors.append(_error("is_cci", "only a seller or trader can be the CCI", "not_a_seller"))
    if body.buyer_class is not None and partner.kind not in BUYER_KINDS:
        errors.append(_error("buyer_class", "only a buyer or trader buys", "not_a_buyer"))
    if errors:
        raise Unprocessable(errors[0]["msg"], code=errors[0]["type"], errors=errors)
    profile = (await repository.profiles_of(session, [partner.id])).get(partner.id)
    before = snapshot(profile) if profile is not None else {}
    if profile is None:
        profile = CciProfile(partner_id=partner.id)
        session.add(profile)
    profile.is_cci = body.is_cci
    profile.buyer_class = body.buyer_class.value if body.buyer_class else None
    await session.flush()
    changes = diff(before, snapshot(profile))
    if changes:
        await audit(
            session,
            actor=actor,
            action="update" if before else "create",
            entity_type="cci_profile",
            entity_id=partner.id,
            changes=changes,
        )
    return _profile_read(partner, profile)


def _error(field: str, message: str, code: str) -> dict[str, Any]:
    return {"loc": ["body", field], "msg": message, "type": f"cci_profile.{code}"}


# --- the basis of every figure ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Basis:
    """A CCI contract with what its figures need: terms, buyer class, CCI value."""

    contract: Contract
    terms: CciTerms
    terms_used: TermsUsed
    buyer_class: BuyerClass
    buyer_class_source: BuyerClassSource
    rate_per_candy: Decimal
    cci_value: Decimal

    @property
    def emd_required(self) -> Decimal:
        return emd_required(self.cci_value, buyer_class=self.buyer_class, terms=self.terms)

    def fields(self) -> dict[str, Any]:
        """The ``CciBasis`` part of every answer."""
        return {
            "contract_id": self.contract.id,
            "contract_date": self.contract.contract_date,
            "bales": self.contract.bales,
            "rate_per_candy": self.rate_per_candy,
            "cci_value": self.cci_value,
            "buyer_class": self.buyer_class,
            "buyer_class_source": self.buyer_class_source,
            "terms": self.terms_used,
        }


async def basis_or_none(session: AsyncSession, contract: Contract) -> Basis | None:
    """The contract's CCI basis, or ``None`` when its seller is not the CCI."""
    profiles = await repository.profiles_of(session, [contract.seller_id, contract.buyer_id])
    seller = profiles.get(contract.seller_id)
    if seller is None or not seller.is_cci:
        return None
    buyer = await session.get(Partner, contract.buyer_id)
    if buyer is None:  # pragma: no cover - a foreign key of the contract
        raise NotFound("The contract's buyer is missing")
    read = _profile_read(buyer, profiles.get(contract.buyer_id))
    version = await session.scalar(
        terms_service.cci_list_statement(on=contract.contract_date).limit(1)
    )
    terms = terms_from(version)
    rate = candy_rate(contract.rate, contract.rate_unit)
    return Basis(
        contract=contract,
        terms=terms,
        terms_used=TermsUsed(
            id=version.id if version is not None else None,
            effective_from=version.effective_from if version is not None else None,
            source=TermsSource.MASTER if version is not None else TermsSource.DEFAULT,
        ),
        buyer_class=read.buyer_class,
        buyer_class_source=read.buyer_class_source,
        rate_per_candy=rate,
        cci_value=provisional_value(contract.bales, rate_per_candy=rate, terms=terms),
    )


async def basis(session: AsyncSession, contract: Contract) -> Basis:
    found = await basis_or_none(session, contract)
    if found is None:
        raise NotCciContract(
            "This contract's seller is not the Cotton Corporation of India: no CCI terms apply"
        )
    return found


async def standing(session: AsyncSession, basis: Basis, *, as_of: date) -> EmdStanding:
    """The EMD of a CCI contract on ``as_of`` (deposits dated by then)."""
    deposits = await repository.deposits_of(session, basis.contract.id)
    return emd_standing(
        required=basis.emd_required,
        deposits=[Deposit(on=d.received_on, amount=d.amount) for d in deposits],
        contract_date=basis.contract.contract_date,
        as_of=as_of,
        terms=basis.terms,
    )


# --- EMD deposits ----------------------------------------------------------------------------


def deposit_read(deposit: EmdDeposit) -> EmdDepositRead:
    return EmdDepositRead(
        id=deposit.id,
        contract_id=deposit.contract_id,
        amount=deposit.amount,
        date=deposit.received_on,
        reference=deposit.reference,
        created_at=deposit.created_at,
    )


async def record_deposit(
    session: AsyncSession,
    principal: Principal,
    actor: AuditActor,
    contract_id: uuid.UUID,
    body: EmdDepositIn,
) -> EmdDeposit:
    """EMD received for a confirmed (or disputed) CCI contract, dated from the contract date
    to today, in an open financial year. The contract row is locked first, so a deposit and a
    delivery order on one contract take turns."""
    visible = await contracts.get_contract(session, principal, contract_id)
    contract = await repository.lock_contract(session, visible.id)
    if contract is None:  # pragma: no cover - deleted between the two reads
        raise NotFound("No such contract")
    await basis(session, contract)
    if contract.status not in WORKING:
        raise Conflict(
            f"The contract is {contract.status}; EMD is taken on a confirmed contract",
            code="emd_deposit.contract_not_confirmed",
        )
    if body.date < contract.contract_date:
        raise invalid_field("date", "before the contract date", code="emd_deposit.before_contract")
    if body.date > today_in_india():
        raise invalid_field("date", "EMD not yet received", code="emd_deposit.future_date")
    try:
        await require_open_year(session, contract.organization_id, body.date)
    except Unprocessable as error:
        raise invalid_field("date", error.detail, code="financial_year.closed_or_missing") from None
    deposit = EmdDeposit(
        contract_id=contract.id,
        amount=body.amount,
        received_on=body.date,
        reference=body.reference,
        created_by_id=principal.user_id,
    )
    session.add(deposit)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="emd_deposit",
        entity_id=deposit.id,
        changes=diff({}, snapshot(deposit)),
    )
    return deposit
