"""Partner rules, free of I/O: kinds, the lifecycle, head offices, KYC buckets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum
from typing import Any


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


# --- KYC reminders and expiry (the daily ``kyc_expiry_reminders`` job) -------------------------


class KycThreshold(StrEnum):
    """One reminder of a due date, least urgent first (kyc_reminders.threshold)."""

    DAYS_30 = "30_days"
    DAYS_15 = "15_days"
    DAYS_7 = "7_days"
    DAY_1 = "1_day"
    OVERDUE = "overdue"


# Days before the due date at which each reminder becomes due, least urgent first.
KYC_REMINDER_DAYS: dict[KycThreshold, int] = {
    KycThreshold.DAYS_30: 30,
    KycThreshold.DAYS_15: 15,
    KycThreshold.DAYS_7: 7,
    KycThreshold.DAY_1: 1,
}
# Partners the reminders are for: suspended and not-yet-approved ones get none.
KYC_REMINDED = frozenset({PartnerStatus.ACTIVE, PartnerStatus.KYC_EXPIRED})


def kyc_threshold_reached(due_date: date, today: date) -> KycThreshold | None:
    """The most urgent reminder whose day has come: ``30_days`` from 30 days before the due
    date, …, ``1_day`` from the day before (and on the due date itself), ``overdue`` from the
    day after. None more than 30 days ahead."""
    days_left = (due_date - today).days
    if days_left < 0:
        return KycThreshold.OVERDUE
    reached = None
    for threshold, days in KYC_REMINDER_DAYS.items():
        if days_left <= days:
            reached = threshold
    return reached


def kyc_threshold_window(threshold: KycThreshold, today: date) -> tuple[date | None, date]:
    """The due dates (inclusive) for which ``threshold`` is the one reached today, for SQL
    filters matching ``kyc_threshold_reached``."""
    if threshold is KycThreshold.OVERDUE:
        return None, today - timedelta(days=1)
    ordered = list(KYC_REMINDER_DAYS.items())
    index = [t for t, _ in ordered].index(threshold)
    high = today + timedelta(days=ordered[index][1])
    low = today + timedelta(days=ordered[index + 1][1] + 1) if index + 1 < len(ordered) else today
    return low, high


def kyc_reminder_to_send(
    due_date: date, today: date, already_sent: set[str] | frozenset[str]
) -> KycThreshold | None:
    """The reminder to send today, if any: the most urgent threshold reached, unless it was
    sent. Thresholds skipped while the job did not run are not sent late (a partner 28 days
    from its due date who missed the 30-day mail gets that one, at 10 days left the 15-day
    one, never both)."""
    reached = kyc_threshold_reached(due_date, today)
    if reached is None or reached in already_sent:
        return None
    return reached


def kyc_expiry_date(due_date: date) -> date:
    """The day an active partner whose KYC is still not renewed becomes ``kyc_expired``."""
    return due_date + timedelta(days=KYC_GRACE_DAYS)


def kyc_expired_on(due_date: date | None, today: date) -> bool:
    return due_date is not None and today >= kyc_expiry_date(due_date)


# --- certifications ------------------------------------------------------------------------------


class CertificationKind(StrEnum):
    BCI = "bci"
    ORGANIC_COTTON = "organic_cotton"
    GOTS = "gots"
    OCS = "ocs"
    FAIR_TRADE = "fair_trade"
    OEKO_TEX = "oeko_tex"
    ISO_9001 = "iso_9001"
    ISO_14001 = "iso_14001"
    GRS = "grs"
    RCS = "rcs"
    REGENERATIVE = "regenerative"
    NPOP = "npop"  # India's National Programme for Organic Production (trade desk certificates)


class CertificationStatus(StrEnum):
    """``pending``, ``verified`` and ``rejected`` are stored; ``expired`` is derived."""

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"


# Stored statuses in which a certification may still be edited by its makers.
CERTIFICATION_EDITABLE = frozenset({CertificationStatus.PENDING, CertificationStatus.REJECTED})
# "Expiring" certifications are those within this many days of their expiry (domain.md §2.3).
CERTIFICATION_EXPIRING_DAYS = 90


def certification_status(stored: str, expires_on: date, today: date) -> CertificationStatus:
    """What a reader sees: a rejected one stays rejected; otherwise past its expiry date it
    is expired; otherwise its stored status."""
    status = CertificationStatus(stored)
    if status is not CertificationStatus.REJECTED and expires_on < today:
        return CertificationStatus.EXPIRED
    return status


def certification_dates_problem(
    issued_on: date | None, expires_on: date, today: date
) -> tuple[str, str] | None:
    """(field, message) for dates that cannot be right, else None."""
    if issued_on is not None and issued_on > today:
        return "issued_on", "A certificate cannot be issued in the future"
    if issued_on is not None and expires_on <= issued_on:
        return "expires_on", "The expiry date must be after the issue date"
    if expires_on < today:
        return "expires_on", "This certificate has already expired"
    return None


# --- change requests, field locks, versions (domain.md §3.8) ---------------------------------


class ChangeRequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Urgency(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# What a change request may change. PAN and kind are who the partner is: a new PAN is a new
# legal person (a new partner), a new kind a new onboarding.
CHANGEABLE_FIELDS = ("legal_name", "trade_name", "gstin", "email", "mobile", "address")
CHANGEABLE_BRANCH_FIELDS = ("name", "gstin", "state_code", "is_head_office", "address")
# Frozen while the partner has open dealings ("Transaction locks"): they are printed on its
# contracts and invoices and decide their GST (intra- or inter-state).
LOCKED_FIELDS = frozenset({"legal_name", "gstin"})
LOCKED_BRANCH_FIELDS = frozenset({"gstin", "state_code"})
# The key of a stored change set that holds branch changes; every other key is a partner field.
BRANCHES_KEY = "branches"

Changes = dict[str, Any]


def field_changes(current: Mapping[str, Any], proposed: Mapping[str, Any]) -> Changes:
    """``{field: {"old", "new"}}`` for each proposed value that differs from the current one."""
    return {
        name: {"old": current.get(name), "new": value}
        for name, value in proposed.items()
        if current.get(name) != value
    }


def partner_field_changes(changes: Mapping[str, Any]) -> Changes:
    """The partner-field part of a stored change set."""
    return {name: change for name, change in changes.items() if name != BRANCHES_KEY}


def branch_changes(changes: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The branch part of a stored change set: ``added`` branches and ``changed`` ones
    (``{"id", "name", "changes": {field: {"old", "new"}}}``)."""
    stored = changes.get(BRANCHES_KEY) or {}
    return {"added": list(stored.get("added", [])), "changed": list(stored.get("changed", []))}


def locked_fields(changes: Mapping[str, Any]) -> list[str]:
    """The locked fields a change set touches: ``gstin``, ``branches.<name>.state_code``…"""
    touched = [name for name in partner_field_changes(changes) if name in LOCKED_FIELDS]
    for branch in branch_changes(changes)["changed"]:
        touched += [
            f"branches.{branch['name']}.{name}"
            for name in branch["changes"]
            if name in LOCKED_BRANCH_FIELDS
        ]
    return sorted(touched)


def assess_risk(changes: Mapping[str, Any], open_dealings: int) -> Risk:
    """High when identity or tax fields change (what documents print, how GST is charged);
    medium when the partner is mid-deal, its branches change or its e-mail (its login and
    notices) moves; low for other contact details."""
    if locked_fields(changes):
        return Risk.HIGH
    branches = branch_changes(changes)
    if open_dealings or branches["added"] or branches["changed"] or "email" in changes:
        return Risk.MEDIUM
    return Risk.LOW


def assess_impact(changes: Mapping[str, Any], open_dealings: Mapping[str, int]) -> dict[str, Any]:
    return {
        "open_contracts": open_dealings.get("contracts", 0),
        "open_dealings": dict(open_dealings),
        "locked_fields": locked_fields(changes),
        "risk": assess_risk(changes, sum(open_dealings.values())),
    }


def stale_fields(
    changes: Mapping[str, Any],
    current: Mapping[str, Any],
    current_branches: Mapping[str, Mapping[str, Any]],
) -> list[str]:
    """The changed fields whose value is no longer the ``old`` the request was made against
    (``current_branches`` by branch id); applying those would silently undo someone's work."""
    stale = [
        name
        for name, change in partner_field_changes(changes).items()
        if current.get(name) != change["old"]
    ]
    branches = branch_changes(changes)
    for branch in branches["changed"]:
        now = current_branches.get(branch["id"])
        if now is None:
            stale.append(f"branches.{branch['name']}")
            continue
        stale += [
            f"branches.{branch['name']}.{name}"
            for name, change in branch["changes"].items()
            if now.get(name) != change["old"]
        ]
    names = {str(b.get("name", "")).lower() for b in current_branches.values()}
    stale += [f"branches.{b['name']}" for b in branches["added"] if b["name"].lower() in names]
    return stale


def compare_snapshots(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Field-by-field differences between two version snapshots; branches are matched by id."""
    fields = field_changes(
        {k: v for k, v in old.items() if k != BRANCHES_KEY},
        {k: new.get(k) for k in {*old, *new} - {BRANCHES_KEY}},
    )
    before = {b["id"]: b for b in old.get(BRANCHES_KEY, [])}
    after = {b["id"]: b for b in new.get(BRANCHES_KEY, [])}
    changed = []
    for branch_id in [i for i in after if i in before]:
        diffs = field_changes(
            {k: v for k, v in before[branch_id].items() if k != "id"},
            {k: v for k, v in after[branch_id].items() if k != "id"},
        )
        if diffs:
            changed.append({"id": branch_id, "name": after[branch_id]["name"], "changes": diffs})
    return {
        "fields": dict(sorted(fields.items())),
        "branches": {
            "added": [b for i, b in after.items() if i not in before],
            "removed": [b for i, b in before.items() if i not in after],
            "changed": changed,
        },
    }


# A date in ``as-of`` means the end of that day in India, where the business runs.
# India keeps no daylight saving time, so a fixed offset is exact and needs no tz database.
INDIA = timezone(timedelta(hours=5, minutes=30), "Asia/Kolkata")


def as_of_instant(value: str) -> datetime:
    """``YYYY-MM-DD`` → the last microsecond of that day in India; an RFC 3339 timestamp (with
    its offset) → itself. ValueError for anything else."""
    text = value.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        next_midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=INDIA)
        return (next_midnight - timedelta(microseconds=1)).astimezone(UTC)
    if "T" not in text.upper():
        raise ValueError("Give a date YYYY-MM-DD or an RFC 3339 timestamp")
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise ValueError("A timestamp needs its offset (Z or ±hh:mm)")
    return instant.astimezone(UTC)
