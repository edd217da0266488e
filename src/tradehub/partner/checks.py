"""Field checks shared by partner creation, edits, branches and change requests.

Every problem found is collected, so one 422 names each bad field (``loc`` points into the
body: ``["body", "branches", 0, "gstin"]``) instead of answering one field at a time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.kit.errors import Conflict, Unprocessable
from tradehub.kit.identifiers import (
    GST_STATE_CODES,
    validate_gstin,
    validate_mobile,
    validate_pan,
)
from tradehub.partner.domain import GST_REQUIRED, PartnerKind, head_office_count_problem
from tradehub.partner.models import Partner, PartnerBranch

Loc = tuple[str | int, ...]


@dataclass
class FieldErrors:
    """Problems found so far, raised together as one 422."""

    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, loc: Loc, message: str, code: str) -> None:
        self.errors.append({"loc": ["body", *loc], "msg": message, "type": code})

    def check(self, loc: Loc, validator: Any, value: str, code: str, **options: Any) -> str:
        """``validator(value)``, or the raw value after noting why it is wrong."""
        try:
            return str(validator(value, **options))
        except ValueError as error:
            self.add(loc, str(error), code)
            return value

    def raise_if_any(self) -> None:
        if self.errors:
            fields = ", ".join(".".join(str(part) for part in e["loc"][1:]) for e in self.errors)
            raise Unprocessable(
                f"Invalid fields: {fields}", code=self.errors[0]["type"], errors=self.errors
            )


@dataclass(frozen=True)
class BranchFields:
    name: str
    gstin: str | None
    state_code: str
    is_head_office: bool


def check_identity(
    errors: FieldErrors, *, kind: PartnerKind, pan: str, gstin: str | None, mobile: str | None
) -> tuple[str, str | None, str | None]:
    """PAN, GSTIN (carrying the PAN; required for buyers, sellers, traders) and mobile."""
    pan = errors.check(("pan",), validate_pan, pan, "partner.invalid_pan")
    if gstin is None:
        if kind in GST_REQUIRED:
            errors.add(("gstin",), f"A GSTIN is required for a {kind}", "partner.gstin_required")
    else:
        gstin = errors.check(("gstin",), validate_gstin, gstin, "partner.invalid_gstin", pan=pan)
    if mobile is not None:
        mobile = errors.check(("mobile",), validate_mobile, mobile, "partner.invalid_mobile")
    return pan, gstin, mobile


def check_branch(
    errors: FieldErrors, loc: Loc, branch: BranchFields, *, pan: str, kind: PartnerKind
) -> BranchFields:
    """A branch's state is a GST state; its GSTIN carries the partner's PAN and that state."""
    if branch.state_code not in GST_STATE_CODES:
        errors.add(
            (*loc, "state_code"),
            f"{branch.state_code} is not a GST state code",
            "partner.invalid_state_code",
        )
    gstin = branch.gstin
    if gstin is None:
        if kind in GST_REQUIRED:
            errors.add(
                (*loc, "gstin"),
                f"Each branch of a {kind} needs its GSTIN",
                "partner.gstin_required",
            )
    else:
        gstin = errors.check(
            (*loc, "gstin"),
            validate_gstin,
            gstin,
            "partner.invalid_gstin",
            pan=pan,
            state_code=branch.state_code,
        )
    return BranchFields(branch.name, gstin, branch.state_code, branch.is_head_office)


def check_branches(
    errors: FieldErrors, branches: Sequence[BranchFields], *, pan: str, kind: PartnerKind
) -> list[BranchFields]:
    checked = [
        check_branch(errors, ("branches", index), branch, pan=pan, kind=kind)
        for index, branch in enumerate(branches)
    ]
    problem = head_office_count_problem([branch.is_head_office for branch in branches])
    if problem:
        errors.add(("branches",), problem, "partner.head_office")
    names = [branch.name.lower() for branch in branches]
    gstins = [branch.gstin for branch in checked if branch.gstin]
    if len(set(names)) != len(names):
        errors.add(("branches",), "Branch names must differ", "partner.branch_name_repeated")
    if len(set(gstins)) != len(gstins):
        errors.add(("branches",), "A GSTIN is given to two branches", "partner.gstin_repeated")
    return checked


async def check_unique(
    session: AsyncSession,
    *,
    pan: str,
    email: str,
    gstins: Sequence[str],
    partner_id: uuid.UUID | None = None,
) -> None:
    """PAN, e-mail and every GSTIN belong to no other partner (409 naming which)."""
    others = Partner.id != partner_id if partner_id is not None else Partner.id.is_not(None)
    conditions = [Partner.pan == pan, Partner.email == email]
    if gstins:
        conditions.append(Partner.gstin.in_(list(gstins)))
    for row in await session.execute(
        select(Partner.pan, Partner.email, Partner.gstin).where(others, or_(*conditions))
    ):
        if row.pan == pan:
            raise Conflict("A partner with this PAN exists", code="partner.pan_taken")
        if row.email == email:
            raise Conflict("A partner with this e-mail exists", code="partner.email_taken")
        raise Conflict(
            f"The GSTIN {row.gstin} belongs to another partner", code="partner.gstin_taken"
        )
    if gstins:
        branch_owner = PartnerBranch.partner_id != partner_id if partner_id else None
        statement = select(PartnerBranch.gstin).where(PartnerBranch.gstin.in_(list(gstins)))
        if branch_owner is not None:
            statement = statement.where(branch_owner)
        taken = await session.scalar(statement.limit(1))
        if taken:
            raise Conflict(
                f"The GSTIN {taken} belongs to another partner's branch", code="partner.gstin_taken"
            )
