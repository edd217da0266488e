"""Requests and answers of partner certifications (BCI, organic cotton, GOTS, …)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tradehub.kit.pagination import sort_enum
from tradehub.partner.domain import CertificationKind, CertificationStatus, certification_status
from tradehub.partner.models import Certification

Number = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Scope = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CertificationCreate(Strict):
    kind: CertificationKind
    number: Number = Field(
        description="The certificate or licence number; unique per partner and kind",
        examples=["CU-820431"],
    )
    issuing_body: Body = Field(examples=["Control Union Certifications"])
    products_scope: Scope | None = Field(default=None, examples=["Raw cotton, lint"])
    issued_on: date | None = Field(default=None, description="Not in the future")
    expires_on: date = Field(description="After issued_on, and not already past")
    document_id: uuid.UUID | None = Field(
        default=None, description="A document uploaded for the partner: the certificate's scan"
    )
    is_visible_in_trade: bool = Field(
        default=True, description="Shown to counterparties on the trade desk once verified"
    )


class CertificationUpdate(Strict):
    """Changes while the certification is pending or rejected; a rejected one goes back to
    pending review."""

    kind: CertificationKind | None = None
    number: Number | None = None
    issuing_body: Body | None = None
    products_scope: Scope | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    document_id: uuid.UUID | None = None
    is_visible_in_trade: bool | None = None


class ReasonIn(Strict):
    reason: Reason


class CertificationRead(BaseModel):
    id: uuid.UUID
    partner_id: uuid.UUID
    kind: CertificationKind
    number: str
    issuing_body: str
    products_scope: str | None
    issued_on: date | None
    expires_on: date
    status: CertificationStatus = Field(
        description="pending, verified or rejected; expired (derived) once expires_on has "
        "passed, unless rejected"
    )
    review_status: CertificationStatus = Field(
        description="The stored review outcome, whatever the date: pending, verified, rejected"
    )
    days_to_expiry: int = Field(description="Days until expires_on; negative once expired")
    document_id: uuid.UUID | None
    is_visible_in_trade: bool
    verified_by_id: uuid.UUID | None
    verified_at: datetime | None
    status_reason: str | None = Field(description="Why it was rejected")
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, certification: Certification, today: date) -> CertificationRead:
        """The answer as of ``today``, which decides the derived ``expired`` status."""
        return cls(
            id=certification.id,
            partner_id=certification.partner_id,
            kind=CertificationKind(certification.kind),
            number=certification.number,
            issuing_body=certification.issuing_body,
            products_scope=certification.products_scope,
            issued_on=certification.issued_on,
            expires_on=certification.expires_on,
            status=certification_status(certification.status, certification.expires_on, today),
            review_status=CertificationStatus(certification.status),
            days_to_expiry=(certification.expires_on - today).days,
            document_id=certification.document_id,
            is_visible_in_trade=certification.is_visible_in_trade,
            verified_by_id=certification.verified_by_id,
            verified_at=certification.verified_at,
            status_reason=certification.status_reason,
            created_at=certification.created_at,
            updated_at=certification.updated_at,
            version=certification.version,
        )


CertificationSort = sort_enum("CertificationSort", ["expires_on", "created_at"])
