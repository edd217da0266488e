"""The partner module's daily job, ``kyc_expiry_reminders`` (api.md §10).

Each run, in the job's one transaction:

1. **Reminders.** For active and ``kyc_expired`` partners with a due date, the reminder whose
   day has come — 30, 15, 7 and 1 days before the due date, and once overdue — is e-mailed
   through the outbox (template ``kyc_reminder``) exactly once per (partner, due date,
   threshold): the ``kyc_reminders`` row is inserted with insert-or-ignore on its unique key
   and only a successful insert queues the mail, so a second run, a manual run or a racing
   runner sends nothing twice. A new due date (after a verification) starts a new series.
   **Missed days**: when the job did not run on a threshold's day, only the most urgent
   threshold reached is sent (28 days left and nothing sent → the 30-day mail; 5 days left with
   the 30-day one sent → the 7-day mail, not the 15-day one as well).
2. **Expiry.** An active partner ``KYC_GRACE_DAYS`` (30) days past its due date becomes
   ``kyc_expired`` (audited as the system); a verification brings it back.

Partners are read in keyset batches of ``BATCH_SIZE`` (due date, id), so memory stays bounded
whatever their number. "Today" is the UTC date of the run (the job runs at 03:30 UTC, 09:00 in
India, when both calendars agree).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Table, exists, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.jobs.domain import Every
from tradehub.jobs.registry import JobContext, registry
from tradehub.kit import outbox
from tradehub.kit.db import insert_or_ignore
from tradehub.partner import service
from tradehub.partner.domain import (
    KYC_GRACE_DAYS,
    KYC_REMINDED,
    KycThreshold,
    PartnerAction,
    PartnerKind,
    PartnerStatus,
    kyc_expired_on,
    kyc_expiry_date,
    kyc_threshold_window,
    required_documents,
)
from tradehub.partner.models import KycReminder, Partner

REMINDER_TEMPLATE = "kyc_reminder"
BATCH_SIZE = 500
# How the reminder names the documents of ``domain.required_documents``.
DOCUMENT_LABELS = {
    "pan": "PAN card",
    "cancelled_cheque": "cancelled cheque",
    "gst_certificate": "GST registration certificate",
    "gst_declaration": "declaration of non-registration under GST",
}
_reminders = cast(Table, KycReminder.__table__)


@registry.job(
    "kyc_expiry_reminders",
    schedule=Every(timedelta(days=1), offset=timedelta(hours=3, minutes=30)),
    description="E-mail partners whose annual KYC is due in 30, 15, 7 or 1 days or overdue "
    f"(once each), and mark active partners kyc_expired {KYC_GRACE_DAYS} days after the due date",
)
async def kyc_expiry_reminders(ctx: JobContext) -> dict[str, Any]:
    today = ctx.now.date()
    reminders = await queue_reminders(ctx.session, today=today)
    expired = await expire_overdue(ctx.session, today=today)
    return {
        "reminders_queued": sum(reminders.values()),
        "reminders": reminders,
        "partners_expired": expired,
    }


async def _batches(
    session: AsyncSession, statement: Any, *, batch_size: int
) -> AsyncIterator[list[Any]]:
    """Rows of ``statement`` (whose first two columns are ``kyc_due_date`` and ``id``) in
    keyset pages, so that no more than ``batch_size`` are held at once."""
    after: tuple[date, uuid.UUID] | None = None
    while True:
        page = statement
        if after is not None:
            page = page.where(tuple_(Partner.kyc_due_date, Partner.id) > after)
        rows = list(
            (
                await session.execute(
                    page.order_by(Partner.kyc_due_date, Partner.id).limit(batch_size)
                )
            ).all()
        )
        if not rows:
            return
        yield rows
        if len(rows) < batch_size:
            return
        after = (rows[-1][0], rows[-1][1])


def _reminder_context(row: Any, threshold: KycThreshold, today: date) -> dict[str, Any]:
    due: date = row.kyc_due_date
    return {
        "legal_name": row.legal_name,
        "code": row.code,
        "due_date": due.isoformat(),
        "days_left": (due - today).days,
        "days_overdue": max((today - due).days, 0),
        "threshold": str(threshold),
        "overdue": threshold is KycThreshold.OVERDUE,
        "expiry_date": kyc_expiry_date(due).isoformat(),
        "kyc_expired": row.status == PartnerStatus.KYC_EXPIRED,
        "grace_days": KYC_GRACE_DAYS,
        "documents": [
            DOCUMENT_LABELS.get(name, name.replace("_", " "))
            for name in required_documents(PartnerKind(row.kind), has_gstin=row.gstin is not None)
        ],
    }


async def queue_reminders(
    session: AsyncSession, *, today: date, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """One e-mail per (partner, due date, threshold), whatever the number of runs.

    For each threshold, the partners for which it is the one reached today and not yet
    recorded; each reminder is claimed by inserting its ``kyc_reminders`` row (insert or
    ignore on the unique key) and only a successful claim queues the mail, in the same
    transaction. Thresholds missed while the job did not run are not sent late: only the most
    urgent one reached (``domain.kyc_reminder_to_send``).
    """
    counts = {str(threshold): 0 for threshold in KycThreshold}
    for threshold in KycThreshold:
        low, high = kyc_threshold_window(threshold, today)
        statement = select(
            Partner.kyc_due_date,
            Partner.id,
            Partner.email,
            Partner.legal_name,
            Partner.code,
            Partner.status,
            Partner.kind,
            Partner.gstin,
        ).where(
            Partner.status.in_([str(s) for s in KYC_REMINDED]),
            Partner.kyc_due_date <= high,
            ~exists().where(
                KycReminder.partner_id == Partner.id,
                KycReminder.due_date == Partner.kyc_due_date,
                KycReminder.threshold == str(threshold),
            ),
        )
        if low is not None:
            statement = statement.where(Partner.kyc_due_date >= low)
        async for rows in _batches(session, statement, batch_size=batch_size):
            queued: list[outbox.OutboxMessage] = []
            for row in rows:
                message = await outbox.enqueue(
                    session,
                    channel=outbox.Channel.EMAIL,
                    recipient=row.email,
                    template=REMINDER_TEMPLATE,
                    context=_reminder_context(row, threshold, today),
                )
                claimed = await insert_or_ignore(
                    session,
                    _reminders,
                    {
                        "id": uuid.uuid4(),
                        "partner_id": row.id,
                        "due_date": row.kyc_due_date,
                        "threshold": str(threshold),
                        "outbox_id": message.id,
                        "created_at": message.next_attempt_at,
                    },
                    conflict_columns=["partner_id", "due_date", "threshold"],
                )
                if claimed:
                    counts[str(threshold)] += 1
                    queued.append(message)
                else:  # another run recorded it first: its mail is the one
                    session.expunge(message)
            await session.flush()
            for message in queued:  # written: keep memory bounded across batches
                session.expunge(message)
    return counts


async def expire_overdue(
    session: AsyncSession, *, today: date, batch_size: int = BATCH_SIZE
) -> int:
    """Active partners whose KYC is ``KYC_GRACE_DAYS`` past due become ``kyc_expired``
    (audited as the system). Each is locked and checked again, so a verification that
    commits first wins."""
    cutoff = today - timedelta(days=KYC_GRACE_DAYS)
    statement = select(Partner.kyc_due_date, Partner.id).where(
        Partner.status == PartnerStatus.ACTIVE, Partner.kyc_due_date <= cutoff
    )
    expired = 0
    async for rows in _batches(session, statement, batch_size=batch_size):
        seen: list[Partner] = []
        for row in rows:
            partner = await session.get(Partner, row.id)
            if partner is None:  # pragma: no cover - partners are never deleted
                continue
            partner = await service.lock_partner(session, partner)
            seen.append(partner)
            if partner.status != PartnerStatus.ACTIVE or not kyc_expired_on(
                partner.kyc_due_date, today
            ):
                continue
            assert partner.kyc_due_date is not None
            await service.move(
                session,
                SYSTEM_ACTOR,
                partner,
                PartnerAction.EXPIRE_KYC,
                reason=f"KYC due on {partner.kyc_due_date.isoformat()} was not renewed within "
                f"{KYC_GRACE_DAYS} days",
            )
            expired += 1
        await session.flush()
        for partner in seen:
            session.expunge(partner)
    return expired
