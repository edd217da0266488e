"""Trade masters: commission structures, trade terms, GST rates and versioned CCI terms."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.kit.db import Entity
from tradehub.kit.errors import NotFound
from tradehub.kit.types import utcnow
from tradehub.masters.domain import money, plain
from tradehub.masters.errors import (
    CciTermsInForce,
    CciTermsNotFound,
    CommissionStructureNotFound,
    GstRateNotFound,
    NameTaken,
    TermNotFound,
    field_error,
)
from tradehub.masters.models import CciTerms, CommissionStructure, GstRate, TradeTerm
from tradehub.masters.schemas import (
    KINDS_WITH_DAYS,
    CciTermsCreate,
    CciTermsRead,
    CommissionCreate,
    CommissionKind,
    CommissionRead,
    CommissionUpdate,
    GstRateCreate,
    GstRateUpdate,
    TermCreate,
    TermKind,
    TermUpdate,
)

E = TypeVar("E", bound=Entity)


async def _audit_change(
    session: AsyncSession,
    actor: AuditActor,
    action: str,
    entity_type: str,
    entity: Entity,
    before: dict[str, Any],
) -> None:
    changes = diff(before, snapshot(entity))
    if changes or action != "update":
        await session.flush()
        await audit(
            session,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity.id,
            changes=changes,
        )


async def _get_live(
    session: AsyncSession, model: type[E], entity_id: uuid.UUID, error: type[NotFound]
) -> E:
    entity = await session.get(model, entity_id)
    if entity is None or getattr(entity, "deleted_at", None) is not None:
        raise error("Not found")
    return entity


async def _soft_delete(
    session: AsyncSession, actor: AuditActor, entity_type: str, entity: Any
) -> None:
    before = snapshot(entity)
    entity.deleted_at = utcnow()
    entity.is_active = False
    await _audit_change(session, actor, "delete", entity_type, entity, before)


def _apply(entity: Any, fields: dict[str, Any]) -> None:
    for field, value in fields.items():
        if value is not None:
            setattr(entity, field, value.value if isinstance(value, CommissionKind) else value)


# --- commission structures -------------------------------------------------------------------


def _check_commission(kind: CommissionKind, value: Decimal) -> None:
    if value <= 0:
        raise field_error(["value"], "The value must be more than 0", "commission.value")
    if kind is CommissionKind.PERCENTAGE and value > 100:
        raise field_error(["value"], "A percentage is at most 100", "commission.value")
    if kind is not CommissionKind.PERCENTAGE and value != value.quantize(Decimal("0.01")):
        raise field_error(["value"], "Rupees have at most two decimals", "commission.value")


def commission_read(structure: CommissionStructure) -> CommissionRead:
    kind = CommissionKind(structure.kind)
    return CommissionRead(
        id=structure.id,
        name=structure.name,
        kind=kind,
        value=plain(structure.value)
        if kind is CommissionKind.PERCENTAGE
        else money(structure.value),
        is_active=structure.is_active,
        created_at=structure.created_at,
        updated_at=structure.updated_at,
        version=structure.version,
    )


async def _commission_name_free(
    session: AsyncSession, name: str, other_than: uuid.UUID | None
) -> str:
    key = name.casefold()
    existing = await session.scalar(
        select(CommissionStructure).where(CommissionStructure.name_key == key)
    )
    if existing is not None and existing.id != other_than:
        raise NameTaken(f"A commission structure is named {existing.name!r}")
    return key


def commission_list_statement(
    *, kind: CommissionKind | None, is_active: bool | None
) -> Select[CommissionStructure]:
    statement = select(CommissionStructure).where(CommissionStructure.deleted_at.is_(None))
    if kind is not None:
        statement = statement.where(CommissionStructure.kind == kind.value)
    if is_active is not None:
        statement = statement.where(CommissionStructure.is_active.is_(is_active))
    return statement


async def create_commission(
    session: AsyncSession, actor: AuditActor, body: CommissionCreate
) -> CommissionStructure:
    _check_commission(body.kind, body.value)
    structure = CommissionStructure(
        name=body.name,
        name_key=await _commission_name_free(session, body.name, None),
        kind=body.kind.value,
        value=body.value,
        is_active=True,
    )
    session.add(structure)
    await _audit_change(session, actor, "create", "commission_structure", structure, {})
    return structure


async def get_commission(session: AsyncSession, structure_id: uuid.UUID) -> CommissionStructure:
    return await _get_live(session, CommissionStructure, structure_id, CommissionStructureNotFound)


async def update_commission(
    session: AsyncSession,
    actor: AuditActor,
    structure: CommissionStructure,
    body: CommissionUpdate,
) -> CommissionStructure:
    before = snapshot(structure)
    fields = body.model_dump(exclude_unset=True)
    _check_commission(
        body.kind or CommissionKind(structure.kind),
        body.value if body.value is not None else structure.value,
    )
    if body.name is not None and body.name != structure.name:
        structure.name_key = await _commission_name_free(session, body.name, structure.id)
    _apply(structure, fields)
    await _audit_change(session, actor, "update", "commission_structure", structure, before)
    return structure


async def delete_commission(
    session: AsyncSession, actor: AuditActor, structure: CommissionStructure
) -> None:
    await _soft_delete(session, actor, "commission_structure", structure)


# --- trade terms -----------------------------------------------------------------------------


def _check_days(kind: TermKind, days: int | None) -> None:
    if kind in KINDS_WITH_DAYS and days is None:
        raise field_error(["days"], f"{kind.value} terms need days", "term.days_required")
    if kind not in KINDS_WITH_DAYS and days is not None:
        raise field_error(["days"], f"{kind.value} terms have no days", "term.days_not_allowed")


async def _term_name_free(
    session: AsyncSession, kind: str, name: str, other_than: uuid.UUID | None
) -> str:
    key = name.casefold()
    existing = await session.scalar(
        select(TradeTerm).where(TradeTerm.kind == kind, TradeTerm.name_key == key)
    )
    if existing is not None and existing.id != other_than:
        raise NameTaken(f"A {kind} term is named {existing.name!r}")
    return key


def term_list_statement(*, kind: TermKind | None, is_active: bool | None) -> Select[TradeTerm]:
    statement = select(TradeTerm).where(TradeTerm.deleted_at.is_(None))
    if kind is not None:
        statement = statement.where(TradeTerm.kind == kind.value)
    if is_active is not None:
        statement = statement.where(TradeTerm.is_active.is_(is_active))
    return statement


async def create_term(session: AsyncSession, actor: AuditActor, body: TermCreate) -> TradeTerm:
    _check_days(body.kind, body.days)
    term = TradeTerm(
        kind=body.kind.value,
        name=body.name,
        name_key=await _term_name_free(session, body.kind.value, body.name, None),
        days=body.days,
        is_active=True,
    )
    session.add(term)
    await _audit_change(session, actor, "create", "term", term, {})
    return term


async def get_term(session: AsyncSession, term_id: uuid.UUID) -> TradeTerm:
    return await _get_live(session, TradeTerm, term_id, TermNotFound)


async def update_term(
    session: AsyncSession, actor: AuditActor, term: TradeTerm, body: TermUpdate
) -> TradeTerm:
    before = snapshot(term)
    fields = body.model_dump(exclude_unset=True)
    kind = TermKind(term.kind)
    if "days" in fields:
        _check_days(kind, body.days)
        term.days = body.days
        fields.pop("days")
    if body.name is not None and body.name != term.name:
        term.name_key = await _term_name_free(session, term.kind, body.name, term.id)
    _apply(term, fields)
    await _audit_change(session, actor, "update", "term", term, before)
    return term


async def delete_term(session: AsyncSession, actor: AuditActor, term: TradeTerm) -> None:
    await _soft_delete(session, actor, "term", term)


# --- GST rates -------------------------------------------------------------------------------


def _check_rate(rate: Decimal) -> None:
    if rate > 100:
        raise field_error(["rate"], "A GST rate is at most 100 %", "gst_rate.rate")


async def create_gst_rate(session: AsyncSession, actor: AuditActor, body: GstRateCreate) -> GstRate:
    _check_rate(body.rate)
    existing = await session.scalar(select(GstRate).where(GstRate.hsn_or_sac == body.hsn_or_sac))
    if existing is not None:
        raise NameTaken(f"HSN/SAC {body.hsn_or_sac} already has a rate")
    gst = GstRate(
        rate=body.rate, description=body.description, hsn_or_sac=body.hsn_or_sac, is_active=True
    )
    session.add(gst)
    await _audit_change(session, actor, "create", "gst_rate", gst, {})
    return gst


async def get_gst_rate(session: AsyncSession, gst_id: uuid.UUID) -> GstRate:
    return await _get_live(session, GstRate, gst_id, GstRateNotFound)


def gst_list_statement(*, hsn_or_sac: str | None, is_active: bool | None) -> Select[GstRate]:
    statement = select(GstRate).where(GstRate.deleted_at.is_(None))
    if hsn_or_sac:
        statement = statement.where(GstRate.hsn_or_sac == hsn_or_sac)
    if is_active is not None:
        statement = statement.where(GstRate.is_active.is_(is_active))
    return statement


async def update_gst_rate(
    session: AsyncSession, actor: AuditActor, gst: GstRate, body: GstRateUpdate
) -> GstRate:
    before = snapshot(gst)
    if body.rate is not None:
        _check_rate(body.rate)
    _apply(gst, body.model_dump(exclude_unset=True))
    await _audit_change(session, actor, "update", "gst_rate", gst, before)
    return gst


async def delete_gst_rate(session: AsyncSession, actor: AuditActor, gst: GstRate) -> None:
    await _soft_delete(session, actor, "gst_rate", gst)


# --- CCI terms -------------------------------------------------------------------------------


async def cci_reads(session: AsyncSession, versions: list[CciTerms]) -> list[CciTermsRead]:
    """Each version with its ``effective_to`` (the day before the next one), in one query."""
    starts = sorted(await session.scalars(select(CciTerms.effective_from)))
    answers = []
    for version in versions:
        later = [d for d in starts if d > version.effective_from]
        fields = {
            column: getattr(version, column)
            for column in CciTermsRead.model_fields
            if column != "effective_to"
        }
        answers.append(
            CciTermsRead(**fields, effective_to=later[0] - timedelta(days=1) if later else None)
        )
    return answers


def cci_list_statement(*, on: date | None) -> Select[CciTerms]:
    statement = select(CciTerms)
    if on is not None:
        latest = select(CciTerms.effective_from).where(CciTerms.effective_from <= on)
        statement = statement.where(
            CciTerms.effective_from
            == latest.order_by(CciTerms.effective_from.desc()).limit(1).scalar_subquery()
        )
    return statement


async def create_cci_terms(
    session: AsyncSession, actor: AuditActor, body: CciTermsCreate, *, today: date
) -> CciTerms:
    """A new version. It may start today or later, never in the past (that would rewrite
    what was in force), and never on the start of another version (409)."""
    if body.effective_from < today:
        raise field_error(
            ["effective_from"], "A new version starts today or later", "cci_terms.backdated"
        )
    existing = await session.scalar(
        select(CciTerms).where(CciTerms.effective_from == body.effective_from)
    )
    if existing is not None:
        raise CciTermsInForce(f"A version already starts on {body.effective_from}")
    terms = CciTerms(**body.model_dump())
    session.add(terms)
    await _audit_change(session, actor, "create", "cci_terms", terms, {})
    return terms


async def get_cci_terms(session: AsyncSession, terms_id: uuid.UUID) -> CciTerms:
    terms = await session.get(CciTerms, terms_id)
    if terms is None:
        raise CciTermsNotFound("No such CCI terms version")
    return terms


async def update_cci_terms(
    session: AsyncSession, actor: AuditActor, terms: CciTerms, body: CciTermsCreate, *, today: date
) -> CciTerms:
    """Only a version not yet in force may change; one in force is superseded by a new one."""
    if terms.effective_from <= today:
        raise CciTermsInForce("This version is in force; create a new version instead")
    if body.effective_from < today:
        raise field_error(
            ["effective_from"], "A version starts today or later", "cci_terms.backdated"
        )
    clash = await session.scalar(
        select(CciTerms).where(
            CciTerms.effective_from == body.effective_from, CciTerms.id != terms.id
        )
    )
    if clash is not None:
        raise CciTermsInForce(f"A version already starts on {body.effective_from}")
    before = snapshot(terms)
    for field, value in body.model_dump().items():
        setattr(terms, field, value)
    await _audit_change(session, actor, "update", "cci_terms", terms, before)
    return terms
