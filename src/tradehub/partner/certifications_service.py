"""Partner certifications (BCI, organic cotton, GOTS, …): added by staff, checked by another
user (maker-checker through an approval request, so ``approval.self_approval`` is the one rule),
and trusted by later modules only while verified and unexpired.

Visibility follows the partner's: staff see every certification, a partner's portal user only
its own partner's (anything else is 404).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.approval import service as approvals
from tradehub.approval.domain import makers
from tradehub.approval.models import ApprovalRequest
from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.document.models import Document
from tradehub.kit.errors import Conflict, NotFound, Unprocessable
from tradehub.kit.types import utcnow
from tradehub.partner import service
from tradehub.partner.certifications_schemas import (
    CertificationCreate,
    CertificationRead,
    CertificationUpdate,
)
from tradehub.partner.domain import (
    CERTIFICATION_EDITABLE,
    CertificationKind,
    CertificationStatus,
    certification_dates_problem,
)
from tradehub.partner.models import Certification, Partner

ENTITY_TYPE = "certification"
APPROVAL_ACTION = "partner.certification"


class CertificationNotFound(NotFound):
    code = "certification.not_found"


class DuplicateCertification(Conflict):
    code = "certification.duplicate"


class CertificationNotEditable(Conflict):
    code = "certification.not_editable"


class CertificationNotPending(Conflict):
    code = "certification.not_pending"


class CertificationExpired(Conflict):
    code = "certification.expired"


# --- reading ---------------------------------------------------------------------------------


def visible_certifications(principal: Principal) -> Select[Any]:
    statement: Select[Any] = select(Certification)
    if principal.partner_id is not None:
        statement = statement.where(Certification.partner_id == principal.partner_id)
    return statement


async def get_certification(
    session: AsyncSession, principal: Principal, certification_id: uuid.UUID
) -> Certification:
    certification: Certification | None = await session.scalar(
        visible_certifications(principal).where(Certification.id == certification_id)
    )
    if certification is None:
        raise CertificationNotFound("No such certification")
    return certification


def certification_read(certification: Certification, today: date) -> CertificationRead:
    return CertificationRead.of(certification, today)


def certification_filters(
    statement: Select[Any],
    *,
    today: date,
    partner_id: uuid.UUID | None = None,
    kind: CertificationKind | None = None,
    status: CertificationStatus | None = None,
    expiring_within_days: int | None = None,
) -> Select[Any]:
    """``status`` is the derived one (``expired`` = not rejected and past its expiry date);
    ``expiring_within_days`` keeps those expiring from today to today + N days."""
    if partner_id is not None:
        statement = statement.where(Certification.partner_id == partner_id)
    if kind is not None:
        statement = statement.where(Certification.kind == kind)
    rejected = CertificationStatus.REJECTED
    if status is CertificationStatus.EXPIRED:
        statement = statement.where(
            Certification.status != rejected, Certification.expires_on < today
        )
    elif status is rejected:
        statement = statement.where(Certification.status == rejected)
    elif status is not None:
        statement = statement.where(
            Certification.status == status, Certification.expires_on >= today
        )
    if expiring_within_days is not None:
        statement = statement.where(
            Certification.expires_on >= today,
            Certification.expires_on <= today + timedelta(days=expiring_within_days),
        )
    return statement


async def partner_certifications(session: AsyncSession, partner: Partner) -> list[Certification]:
    rows = await session.scalars(
        select(Certification)
        .where(Certification.partner_id == partner.id)
        .order_by(Certification.created_at, Certification.id)
    )
    return list(rows)


async def verified_certification_kinds(
    session: AsyncSession, partner_ids: Iterable[uuid.UUID], on: date
) -> dict[uuid.UUID, set[str]]:
    """What the trade desk may trust on ``on``: per partner, the kinds of its certifications
    that are verified, shown in trade, issued by then and not expired. Every partner asked
    about has an entry (empty when none), in one query."""
    ids = list(dict.fromkeys(partner_ids))
    kinds: dict[uuid.UUID, set[str]] = {partner_id: set() for partner_id in ids}
    if not ids:
        return kinds
    rows = await session.execute(
        select(Certification.partner_id, Certification.kind)
        .where(
            Certification.partner_id.in_(ids),
            Certification.status == CertificationStatus.VERIFIED,
            Certification.is_visible_in_trade.is_(True),
            Certification.expires_on >= on,
            or_(Certification.issued_on.is_(None), Certification.issued_on <= on),
        )
        .distinct()
    )
    for partner_id, kind in rows:
        kinds[partner_id].add(kind)
    return kinds


# --- checks ----------------------------------------------------------------------------------


def _field_problem(field: str, message: str, code: str) -> Unprocessable:
    return Unprocessable(
        f"{field}: {message}",
        code=code,
        errors=[{"loc": ["body", field], "msg": message, "type": code}],
    )


def _check_dates(issued_on: date | None, expires_on: date, today: date) -> None:
    problem = certification_dates_problem(issued_on, expires_on, today)
    if problem is not None:
        raise _field_problem(*problem, "certification.invalid_dates")


async def _check_document(
    session: AsyncSession, partner_id: uuid.UUID, document_id: uuid.UUID | None
) -> None:
    """The scan must be a live document uploaded for the same partner."""
    if document_id is None:
        return
    found = await session.scalar(
        select(
            exists().where(
                Document.id == document_id,
                Document.entity_type == "partner",
                Document.entity_id == partner_id,
                Document.deleted_at.is_(None),
            )
        )
    )
    if not found:
        raise _field_problem(
            "document_id",
            "No such document among the partner's documents",
            "certification.document_not_found",
        )


async def _check_unique(
    session: AsyncSession,
    partner_id: uuid.UUID,
    kind: str,
    number: str,
    *,
    certification_id: uuid.UUID | None = None,
) -> None:
    conditions = [
        Certification.partner_id == partner_id,
        Certification.kind == kind,
        Certification.number == number,
    ]
    if certification_id is not None:
        conditions.append(Certification.id != certification_id)
    if await session.scalar(select(exists().where(and_(*conditions)))):
        raise DuplicateCertification(
            f"This partner already has a {kind} certification numbered {number}"
        )


# --- changing --------------------------------------------------------------------------------


def _summary(partner: Partner, certification: Certification) -> str:
    return (
        f"Verify {certification.kind} certification {certification.number} of "
        f"{partner.legal_name} ({partner.code})"
    )


async def _latest_request(
    session: AsyncSession, certification: Certification
) -> ApprovalRequest | None:
    statement = approvals.list_statement(
        status=None, entity_type=ENTITY_TYPE, entity_id=certification.id, action=APPROVAL_ACTION
    )
    latest: ApprovalRequest | None = await session.scalar(
        statement.order_by(ApprovalRequest.created_at.desc(), ApprovalRequest.id.desc()).limit(1)
    )
    return latest


async def add_certification(
    session: AsyncSession,
    actor: AuditActor,
    partner: Partner,
    body: CertificationCreate,
    *,
    today: date,
) -> Certification:
    """A pending certification, with an approval request naming its maker."""
    partner = await service.lock_partner(session, partner)  # one add of a number at a time
    _check_dates(body.issued_on, body.expires_on, today)
    number = " ".join(body.number.split())
    await _check_unique(session, partner.id, body.kind, number)
    await _check_document(session, partner.id, body.document_id)
    certification = Certification(
        partner_id=partner.id,
        kind=body.kind,
        number=number,
        issuing_body=body.issuing_body,
        products_scope=body.products_scope,
        issued_on=body.issued_on,
        expires_on=body.expires_on,
        status=CertificationStatus.PENDING,
        document_id=body.document_id,
        is_visible_in_trade=body.is_visible_in_trade,
    )
    session.add(certification)
    await session.flush()
    await approvals.open_request(
        session,
        entity_type=ENTITY_TYPE,
        entity_id=certification.id,
        action=APPROVAL_ACTION,
        requested_by_id=actor.user_id,
        maker_ids=makers(actor.user_id),
        summary=_summary(partner, certification),
    )
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY_TYPE,
        entity_id=certification.id,
        changes=diff({}, snapshot(certification)),
    )
    return certification


_REQUIRED = ("kind", "number", "issuing_body", "expires_on", "is_visible_in_trade")


async def update_certification(
    session: AsyncSession,
    actor: AuditActor,
    certification: Certification,
    body: CertificationUpdate,
    *,
    today: date,
) -> Certification:
    """Edit a pending or rejected certification. Whoever edits it becomes one of its makers
    (and may not verify it); a rejected one goes back to pending review."""
    if certification.status not in CERTIFICATION_EDITABLE:
        raise CertificationNotEditable(
            f"A {certification.status} certification cannot be changed; add a new one"
        )
    partner = await session.get(Partner, certification.partner_id)
    assert partner is not None  # foreign key
    before = snapshot(certification)
    changes = body.model_dump(exclude_unset=True)
    for name in _REQUIRED:
        if name in changes and changes[name] is None:
            del changes[name]  # a required field sent as null stays as it is
    if "number" in changes:
        changes["number"] = " ".join(changes["number"].split())
    merged = {**before, **changes}
    _check_dates(merged["issued_on"], merged["expires_on"], today)
    if merged["kind"] != before["kind"] or merged["number"] != before["number"]:
        await _check_unique(
            session,
            partner.id,
            merged["kind"],
            merged["number"],
            certification_id=certification.id,
        )
    if changes.get("document_id") is not None:
        await _check_document(session, partner.id, merged["document_id"])
    for name, value in changes.items():
        setattr(certification, name, value)
    was_rejected = certification.status == CertificationStatus.REJECTED
    if was_rejected:
        certification.status = CertificationStatus.PENDING
        certification.status_reason = None
    after = snapshot(certification)
    recorded = diff(before, after)
    if not recorded:
        return certification
    await session.flush()
    await _reopen_review(session, actor, partner, certification)
    await audit(
        session,
        actor=actor,
        action="update",
        entity_type=ENTITY_TYPE,
        entity_id=certification.id,
        changes=recorded,
    )
    return certification


async def _reopen_review(
    session: AsyncSession, actor: AuditActor, partner: Partner, certification: Certification
) -> None:
    """After an edit, a pending approval request names every maker so far and the editor."""
    latest = await _latest_request(session, certification)
    previous = list(latest.maker_ids) if latest is not None else []
    maker_ids = list(dict.fromkeys([*previous, *makers(actor.user_id)]))
    if latest is not None and latest.status == "pending":
        if maker_ids == previous:
            return
        await approvals.cancel(session, latest, cancelled_by_id=actor.user_id)
    await approvals.open_request(
        session,
        entity_type=ENTITY_TYPE,
        entity_id=certification.id,
        action=APPROVAL_ACTION,
        requested_by_id=actor.user_id,
        maker_ids=maker_ids,
        summary=_summary(partner, certification),
    )


async def _decide(
    session: AsyncSession,
    actor: AuditActor,
    certification: Certification,
    *,
    approve: bool,
    reason: str | None,
    today: date,
) -> Certification:
    if certification.status != CertificationStatus.PENDING:
        raise CertificationNotPending(f"This certification is already {certification.status}")
    if approve and certification.expires_on < today:
        raise CertificationExpired(
            f"This certification expired on {certification.expires_on.isoformat()}"
        )
    request = await approvals.pending_request(
        session, entity_type=ENTITY_TYPE, entity_id=certification.id, action=APPROVAL_ACTION
    )
    if request is None:  # pragma: no cover - adding and editing always leave one open
        raise CertificationNotPending("This certification has no pending review")
    assert actor.user_id is not None, "decisions are taken by signed-in users"
    await approvals.decide(
        session, request, decided_by_id=actor.user_id, approve=approve, reason=reason
    )
    before = snapshot(certification)
    if approve:
        certification.status = CertificationStatus.VERIFIED
        certification.verified_by_id = actor.user_id
        certification.verified_at = utcnow()
        certification.status_reason = None
    else:
        certification.status = CertificationStatus.REJECTED
        certification.status_reason = reason
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="verify" if approve else "reject",
        entity_type=ENTITY_TYPE,
        entity_id=certification.id,
        changes=diff(before, snapshot(certification)),
        reason=reason,
    )
    return certification


async def verify_certification(
    session: AsyncSession, actor: AuditActor, certification: Certification, *, today: date
) -> Certification:
    """pending → verified, by anyone but its makers (403 ``approval.self_approval``)."""
    return await _decide(session, actor, certification, approve=True, reason=None, today=today)


async def reject_certification(
    session: AsyncSession,
    actor: AuditActor,
    certification: Certification,
    *,
    reason: str,
    today: date,
) -> Certification:
    """pending → rejected with the reason; it can be corrected (PATCH) and reviewed again."""
    return await _decide(session, actor, certification, approve=False, reason=reason, today=today)
