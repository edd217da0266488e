"""Requests and answers of a partner's annual KYC (/partners/{id}/kyc, /kyc/summary)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from tradehub.document.domain import normalise_document_type
from tradehub.partner.domain import KycBucket, KycThreshold, PartnerKind, PartnerStatus

DocumentType = Annotated[
    str, StringConstraints(max_length=100), AfterValidator(normalise_document_type)
]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class KycVerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verified_on: date | None = Field(
        default=None,
        description="The day the documents were checked: today by default; not in the future, "
        "not before the last verification, and less than a year ago",
    )
    documents_checked: list[DocumentType] | None = Field(
        default=None,
        max_length=50,
        description="Document types checked (lower snake case); the required ones by default",
        examples=[["pan", "cancelled_cheque", "gst_certificate"]],
    )
    notes: Notes | None = None


class KycVerificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    partner_id: uuid.UUID
    verified_on: date
    next_due_date: date
    verified_by_id: uuid.UUID | None
    documents_checked: list[str]
    notes: str | None
    created_at: datetime


class KycReminderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    threshold: KycThreshold
    due_date: date
    outbox_id: uuid.UUID | None
    created_at: datetime


class KycStatusRead(BaseModel):
    partner_id: uuid.UUID
    partner_status: PartnerStatus
    kind: PartnerKind
    kyc_verified_on: date | None
    kyc_due_date: date | None
    bucket: KycBucket
    days_left: int | None = Field(description="Days until the due date; negative when overdue")
    expires_on: date | None = Field(
        description="When an active partner that is not verified again becomes kyc_expired "
        "(the due date + 30 days)"
    )
    required_documents: list[str] = Field(description="Document types the partner's KYC needs")
    documents_on_file: list[str] = Field(
        description="Document types uploaded for the partner (entity_type partner), not deleted"
    )
    missing_documents: list[str] = Field(description="Required but not on file")
    last_verification: KycVerificationRead | None
    history: list[KycVerificationRead] = Field(description="Every verification, newest first")
    reminders: list[KycReminderRead] = Field(description="Reminders sent for the current due date")
    version: int = Field(description="The partner's version (ETag), for If-Match on verify")


class KycSummaryRead(BaseModel):
    """Partners approved once (active, suspended, kyc_expired) by KYC bucket."""

    as_of: date
    total: int
    overdue: int
    due_in_7: int
    due_in_30: int
    current: int
    not_done: int
    kyc_expired: int = Field(description="Partners whose status is kyc_expired")
