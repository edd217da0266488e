"""Partner rules, free of I/O: kinds, the lifecycle, head offices, KYC buckets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum


class PartnerKind(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    TRADER = "trader"
    BROKER = "broker"
    TRANSPORTER = "transporter"
    CONTROLLER = "controller"


class PartnerStatus(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    KYC_EXPIRED = "kyc_expired"


class PartnerAction(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    SUSPEND = "suspend"
    REACTIVATE = "reactivate"
    EXPIRE_KYC = "expire_kyc"
    RENEW_KYC = "renew_kyc"


# Which statuses each action leaves from, and where it goes.
TRANSITIONS: dict[PartnerAction, tuple[frozenset[PartnerStatus], PartnerStatus]] = {
    PartnerAction.SUBMIT: (
        frozenset({PartnerStatus.DRAFT, PartnerStatus.REJECTED}),
        PartnerStatus.PENDING_APPROVAL,
    ),
    PartnerAction.APPROVE: (frozenset({PartnerStatus.PENDING_APPROVAL}), PartnerStatus.ACTIVE),
    PartnerAction.REJECT: (frozenset({PartnerStatus.PENDING_APPROVAL}), PartnerStatus.REJECTED),
    PartnerAction.SUSPEND: (
        frozenset({PartnerStatus.ACTIVE, PartnerStatus.KYC_EXPIRED}),
        PartnerStatus.SUSPENDED,
    ),
    PartnerAction.REACTIVATE: (frozenset({PartnerStatus.SUSPENDED}), PartnerStatus.ACTIVE),
    PartnerAction.EXPIRE_KYC: (frozenset({PartnerStatus.ACTIVE}), PartnerStatus.KYC_EXPIRED),
    PartnerAction.RENEW_KYC: (frozenset({PartnerStatus.KYC_EXPIRED}), PartnerStatus.ACTIVE),
}

# Statuses whose record is edited directly; an approved partner changes by change request.
EDITABLE = frozenset({PartnerStatus.DRAFT, PartnerStatus.REJECTED})
# Statuses that have been approved once, so they have versions and change requests.
APPROVED_ONCE = frozenset(
    {PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED, PartnerStatus.KYC_EXPIRED}
)
# GST registration is mandatory for those who trade goods (domain.md §3.8).
GST_REQUIRED = frozenset({PartnerKind.BUYER, PartnerKind.SELLER, PartnerKind.TRADER})


def next_status(current: PartnerStatus, action: PartnerAction) -> PartnerStatus | None:
    """Where ``action`` takes a partner in ``current``; None when it may not."""
    sources, target = TRANSITIONS[action]
    return target if current in sources else None


def head_office_count_problem(head_office_flags: Sequence[bool]) -> str | None:
    """Branches, when given, have exactly one head office."""
    if not head_office_flags:
        return None
    count = sum(head_office_flags)
    if count == 1:
        return None
    return "Exactly one branch must be the head office" + (
        f" ({count} are marked)" if count else " (none is marked)"
    )


# --- KYC --------------------------------------------------------------------------------------

KYC_VALIDITY_YEARS = 1
# After this many days overdue, the daily job marks an active partner ``kyc_expired``.
KYC_GRACE_DAYS = 30


class KycBucket(StrEnum):
    OVERDUE = "overdue"
    DUE_IN_7 = "due_in_7"
    DUE_IN_30 = "due_in_30"
    CURRENT = "current"
    NOT_DONE = "not_done"


def kyc_due_after(verified_on: date) -> date:
    """One year after the verification; 29 February falls back to 28 February."""
    try:
        return verified_on.replace(year=verified_on.year + KYC_VALIDITY_YEARS)
    except ValueError:
        return verified_on.replace(year=verified_on.year + KYC_VALIDITY_YEARS, day=28)


def kyc_bucket(due_date: date | None, today: date) -> KycBucket:
    if due_date is None:
        return KycBucket.NOT_DONE
    days_left = (due_date - today).days
    if days_left < 0:
        return KycBucket.OVERDUE
    if days_left <= 7:
        return KycBucket.DUE_IN_7
    if days_left <= 30:
        return KycBucket.DUE_IN_30
    return KycBucket.CURRENT


def kyc_bucket_bounds(bucket: KycBucket, today: date) -> tuple[date | None, date | None]:
    """The due-date range (inclusive) of a bucket, for SQL filters matching ``kyc_bucket``."""
    if bucket is KycBucket.OVERDUE:
        return None, today - timedelta(days=1)
    if bucket is KycBucket.DUE_IN_7:
        return today, today + timedelta(days=7)
    if bucket is KycBucket.DUE_IN_30:
        return today + timedelta(days=8), today + timedelta(days=30)
    return today + timedelta(days=31), None


def required_documents(kind: PartnerKind, *, has_gstin: bool) -> list[str]:
    """The document types a partner's KYC needs (domain.md §3.8)."""
    documents = ["pan", "cancelled_cheque"]
    if has_gstin:
        documents.append("gst_certificate")
    elif kind is PartnerKind.TRANSPORTER:
        documents.append("gst_declaration")
    return documents
