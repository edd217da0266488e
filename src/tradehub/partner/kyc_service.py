"""Annual KYC: the status of one partner, verification (which renews a ``kyc_expired``
partner) and the bucket summary. The daily ``kyc_expiry_reminders`` job is in ``tasks.py``.

Required documents are read from the documents table: ``entity_type = "partner"``, the
partner's id, not deleted.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.document.models import Document
from tradehub.kit.errors import Conflict, Unprocessable
from tradehub.partner import service
from tradehub.partner.domain import (
    APPROVED_ONCE,
    KycBucket,
    PartnerAction,
    PartnerKind,
    PartnerStatus,
    kyc_bucket,
    kyc_bucket_bounds,
    kyc_due_after,
    kyc_expiry_date,
    required_documents,
)
from tradehub.partner.kyc_schemas import (
    KycReminderRead,
    KycStatusRead,
    KycSummaryRead,
    KycVerificationRead,
    KycVerifyIn,
)
from tradehub.partner.models import KycReminder, KycVerification, Partner

PARTNER_ENTITY = "partner"


class KycNotVerifiable(Conflict):
    code = "kyc.not_approved"


class KycDocumentsMissing(Unprocessable):
    code = "kyc.documents_missing"


# --- reading ---------------------------------------------------------------------------------


def partner_required_documents(partner: Partner) -> list[str]:
    return required_documents(PartnerKind(partner.kind), has_gstin=partner.gstin is not None)


async def documents_on_file(session: AsyncSession, partner_id: uuid.UUID) -> list[str]:
    """The distinct types of the partner's live documents, sorted."""
    rows = await session.scalars(
        select(Document.document_type)
        .where(
            Document.entity_type == PARTNER_ENTITY,
            Document.entity_id == partner_id,
            Document.deleted_at.is_(None),
        )
        .distinct()
    )
    return sorted(rows)


async def kyc_status(session: AsyncSession, partner: Partner, *, today: date) -> KycStatusRead:
    required = partner_required_documents(partner)
    on_file = await documents_on_file(session, partner.id)
    history = list(
        await session.scalars(
            select(KycVerification)
            .where(KycVerification.partner_id == partner.id)
            .order_by(
                KycVerification.verified_on.desc(),
                KycVerification.created_at.desc(),
                KycVerification.id.desc(),
            )
        )
    )
    reminders: list[KycReminder] = []
    if partner.kyc_due_date is not None:
        reminders = list(
            await session.scalars(
                select(KycReminder)
                .where(
                    KycReminder.partner_id == partner.id,
                    KycReminder.due_date == partner.kyc_due_date,
                )
                .order_by(KycReminder.created_at, KycReminder.id)
            )
        )
    due = partner.kyc_due_date
    reads = [KycVerificationRead.model_validate(row) for row in history]
    return KycStatusRead(
        partner_id=partner.id,
        partner_status=PartnerStatus(partner.status),
        kind=PartnerKind(partner.kind),
        kyc_verified_on=partner.kyc_verified_on,
        kyc_due_date=due,
        bucket=kyc_bucket(due, today),
        days_left=(due - today).days if due is not None else None,
        expires_on=kyc_expiry_date(due)
        if due is not None and partner.status == PartnerStatus.ACTIVE
        else None,
        required_documents=required,
        documents_on_file=on_file,
        missing_documents=[d for d in required if d not in on_file],
        last_verification=reads[0] if reads else None,
        history=reads,
        reminders=[KycReminderRead.model_validate(row) for row in reminders],
        version=partner.version,
    )


async def kyc_summary(
    session: AsyncSession, principal: Principal, *, today: date
) -> KycSummaryRead:
    """Counts per bucket of the partners the caller sees that were approved once, in one
    query."""
    partners = (
        service.visible_partners(principal)
        .where(Partner.status.in_([str(s) for s in APPROVED_ONCE]))
        .subquery()
    )
    due = partners.c.kyc_due_date

    def counted(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    def in_bucket(bucket: KycBucket) -> Any:
        low, high = kyc_bucket_bounds(bucket, today)
        conditions: list[Any] = [due.is_not(None)]
        if low is not None:
            conditions.append(due >= low)
        if high is not None:
            conditions.append(due <= high)
        return and_(*conditions)

    row = (
        await session.execute(
            select(
                func.count(),
                *(counted(in_bucket(b)) for b in _DATED_BUCKETS),
                counted(due.is_(None)),
                counted(partners.c.status == PartnerStatus.KYC_EXPIRED),
            ).select_from(partners)
        )
    ).one()
    counts = [int(value) for value in row]
    return KycSummaryRead(
        as_of=today,
        total=counts[0],
        **{str(b): n for b, n in zip(_DATED_BUCKETS, counts[1:5], strict=True)},
        not_done=counts[5],
        kyc_expired=counts[6],
    )


_DATED_BUCKETS = (KycBucket.OVERDUE, KycBucket.DUE_IN_7, KycBucket.DUE_IN_30, KycBucket.CURRENT)


# --- verifying -------------------------------------------------------------------------------


def _check_date(verified_on: date, last: date | None, today: date) -> None:
    problem = None
    if verified_on > today:
        problem = "The verification date cannot be in the future", "kyc.future_date"
    elif last is not None and verified_on < last:
        problem = (
            f"The last verification was on {last.isoformat()}; a new one cannot be older",
            "kyc.before_last_verification",
        )
    elif kyc_due_after(verified_on) <= today:
        problem = "A verification more than a year old would already be due", "kyc.too_old"
    if problem is not None:
        message, code = problem
        raise Unprocessable(
            message,
            code=code,
            errors=[{"loc": ["body", "verified_on"], "msg": message, "type": code}],
        )


async def verify_kyc(
    session: AsyncSession, actor: AuditActor, partner: Partner, body: KycVerifyIn, *, today: date
) -> Partner:
    """Record a verification: the KYC is due again a year after ``verified_on``; a
    ``kyc_expired`` partner becomes ``active``. Every required document must be on file."""
    partner = await service.lock_partner(session, partner)
    if partner.status not in APPROVED_ONCE:
        raise KycNotVerifiable(
            f"A partner that is {partner.status} has not been approved; its KYC is checked "
            "at approval"
        )
    verified_on = body.verified_on or today
    _check_date(verified_on, partner.kyc_verified_on, today)
    required = partner_required_documents(partner)
    on_file = set(await documents_on_file(session, partner.id))
    missing = [d for d in required if d not in on_file]
    if missing:
        raise KycDocumentsMissing(
            f"Upload these documents before verifying: {', '.join(missing)}",
            missing=missing,
            errors=[
                {"loc": ["documents", d], "msg": "not on file", "type": KycDocumentsMissing.code}
                for d in missing
            ],
        )
    checked = list(dict.fromkeys(body.documents_checked or required))
    before = {"kyc_verified_on": partner.kyc_verified_on, "kyc_due_date": partner.kyc_due_date}
    verification = KycVerification(
        partner_id=partner.id,
        verified_on=verified_on,
        next_due_date=kyc_due_after(verified_on),
        verified_by_id=actor.user_id,
        documents_checked=checked,
        notes=body.notes,
    )
    session.add(verification)
    partner.kyc_verified_on = verification.verified_on
    partner.kyc_due_date = verification.next_due_date
    await session.flush()
    after = {"kyc_verified_on": partner.kyc_verified_on, "kyc_due_date": partner.kyc_due_date}
    await audit(
        session,
        actor=actor,
        action="verify_kyc",
        entity_type=PARTNER_ENTITY,
        entity_id=partner.id,
        changes={
            **diff(before, after),
            "kyc_verification_id": {"old": None, "new": verification.id},
            "documents_checked": {"old": None, "new": checked},
        },
        reason=body.notes,
    )
    if partner.status == PartnerStatus.KYC_EXPIRED:
        await service.move(
            session,
            actor,
            partner,
            PartnerAction.RENEW_KYC,
            reason=f"KYC verified on {verified_on.isoformat()}",
        )
    return partner
