"""Everything a contract names must exist and fit together: parties (active, of the right
kind, with their own branches), commodity and variety, quality within the parameters' bounds,
terms, station, commission structures and an open financial year. One 422 names every field."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.contract.domain import Side, may_be, value_of
from tradehub.contract.schemas import ContractFields
from tradehub.financial_year import service as financial_years
from tradehub.geo import service as geo
from tradehub.kit.errors import NotFound, Unprocessable
from tradehub.masters import service as masters
from tradehub.masters import terms_service
from tradehub.masters.domain import spec_errors, stored_specs
from tradehub.masters.models import CommissionStructure, QualityParameter, TradeTerm
from tradehub.organization import service as organizations
from tradehub.partner import service as partners
from tradehub.partner.errors import PartnerNotActive
from tradehub.partner.models import Partner, PartnerBranch


@dataclass
class FieldErrors:
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, loc: list[str], message: str, code: str) -> None:
        self.errors.append({"loc": ["body", *loc], "msg": message, "type": code})

    def raise_if_any(self) -> None:
        if self.errors:
            fields = ", ".join(".".join(str(p) for p in e["loc"][1:]) for e in self.errors)
            raise Unprocessable(
                f"Invalid fields: {fields}", code=self.errors[0]["type"], errors=self.errors
            )


@dataclass
class Resolved:
    """The validated contract, with what the names resolved to."""

    fields: ContractFields
    financial_year: str
    variety: str
    quality: dict[str, Any]
    delivery: TradeTerm
    payment: TradeTerm
    contract_value: Decimal
    structures: dict[Side, CommissionStructure | None]


async def _party(
    session: AsyncSession,
    errors: FieldErrors,
    side: Side,
    partner_id: uuid.UUID,
    branch_id: uuid.UUID,
    *,
    require_active: bool,
) -> Partner | None:
    name = side.value
    partner: Partner | None
    if require_active:
        try:
            partner = await partners.require_active_partner(session, partner_id)
        except PartnerNotActive:
            errors.add([f"{name}_id"], f"the {name} is not an active partner", "partner.not_active")
            return None
    else:
        partner = await session.get(Partner, partner_id)
        if partner is None:
            errors.add([f"{name}_id"], f"no such {name}", "partner.not_active")
            return None
    if not may_be(side, partner.kind):
        errors.add([f"{name}_id"], f"a {partner.kind} cannot be the {name}", "contract.party_kind")
    branch = await session.get(PartnerBranch, branch_id)
    if branch is None or branch.partner_id != partner.id:
        errors.add(
            [f"{name}_branch_id"],
            f"not a branch of the {name}",
            "contract.branch_mismatch",
        )
    return partner


async def _term(
    session: AsyncSession, errors: FieldErrors, kind: str, given: str
) -> TradeTerm | None:
    statement = select(TradeTerm).where(
        TradeTerm.kind == kind, TradeTerm.deleted_at.is_(None), TradeTerm.is_active.is_(True)
    )
    try:
        term_id = uuid.UUID(given)
    except ValueError:
        statement = statement.where(TradeTerm.name_key == given.strip().casefold())
    else:
        statement = statement.where(TradeTerm.id == term_id)
    term: TradeTerm | None = await session.scalar(statement)
    if term is None:
        errors.add([f"{kind}_terms"], f"no active {kind} term {given!r}", "contract.term_unknown")
    return term


async def _structure(
    session: AsyncSession, errors: FieldErrors, side: Side, structure_id: uuid.UUID | None
) -> CommissionStructure | None:
    if structure_id is None:
        return None
    try:
        structure = await terms_service.get_commission(session, structure_id)
    except NotFound:
        structure = None
    if structure is None or not structure.is_active:
        errors.add(
            [f"{side.value}_commission_structure_id"],
            "no active commission structure with this id",
            "contract.commission_unknown",
        )
        return None
    return structure


async def _quality(
    session: AsyncSession, errors: FieldErrors, fields: ContractFields
) -> dict[str, Any]:
    if not fields.quality:
        return {}
    parameters = await session.scalars(
        select(QualityParameter).where(
            QualityParameter.commodity_id == fields.commodity_id,
            QualityParameter.is_active.is_(True),
        )
    )
    bounds = {p.name: (p.min, p.max) for p in parameters}
    specs = {name: {"min": b.min, "max": b.max} for name, b in fields.quality.items()}
    for loc, message, kind in spec_errors(specs, bounds):
        errors.add(["quality", *loc], message, f"contract.quality_{kind}")
    return stored_specs(specs)


async def resolve(
    session: AsyncSession, fields: ContractFields, *, parties_must_be_active: bool = True
) -> Resolved:
    """Check ``fields`` against the masters (422 naming every bad field), then the financial
    year of ``contract_date`` (422 ``financial_year.closed_or_missing``)."""
    errors = FieldErrors()
    try:
        await organizations.get_organization(session, fields.organization_id)
    except NotFound:
        errors.add(["organization_id"], "no such organization", "contract.organization_unknown")
    seller = await _party(
        session,
        errors,
        Side.SELLER,
        fields.seller_id,
        fields.seller_branch_id,
        require_active=parties_must_be_active,
    )
    buyer = await _party(
        session,
        errors,
        Side.BUYER,
        fields.buyer_id,
        fields.buyer_branch_id,
        require_active=parties_must_be_active,
    )
    if seller is not None and buyer is not None and seller.id == buyer.id:
        errors.add(["buyer_id"], "the buyer must differ from the seller", "contract.same_party")
    variety = None
    try:
        await masters.get_commodity(session, fields.commodity_id)
    except NotFound:
        errors.add(["commodity_id"], "no such commodity", "contract.commodity_unknown")
    else:
        variety = await masters.resolve_variety(session, fields.commodity_id, fields.variety)
        if variety is None:
            errors.add(
                ["variety"], f"{fields.variety!r} is no variety of it", "contract.variety_unknown"
            )
    quality = await _quality(session, errors, fields)
    delivery = await _term(session, errors, "delivery", fields.delivery_terms)
    payment = await _term(session, errors, "payment", fields.payment_terms)
    try:
        station = await geo.get_station(session, fields.station_id)
    except NotFound:
        station = None
    if station is None or not station.is_active:
        errors.add(["station_id"], "no active station with this id", "contract.station_unknown")
    structures = {
        Side.SELLER: await _structure(
            session, errors, Side.SELLER, fields.seller_commission_structure_id
        ),
        Side.BUYER: await _structure(
            session, errors, Side.BUYER, fields.buyer_commission_structure_id
        ),
    }
    errors.raise_if_any()
    assert variety is not None
    assert delivery is not None
    assert payment is not None
    year = await open_year(session, fields.organization_id, fields.contract_date)
    return Resolved(
        fields=fields,
        financial_year=year,
        variety=variety.name,
        quality=quality,
        delivery=delivery,
        payment=payment,
        contract_value=value_of(fields.bales, rate=fields.rate, rate_unit=fields.rate_unit),
        structures=structures,
    )


async def open_year(session: AsyncSession, organization_id: uuid.UUID, day: date) -> str:
    """The code of the open financial year holding the contract date (422 naming
    ``contract_date`` otherwise)."""
    try:
        year = await financial_years.require_open_year(session, organization_id, day)
    except Unprocessable as error:
        for item in error.errors:
            item["loc"] = ["body", "contract_date"]
        raise
    return year.code
