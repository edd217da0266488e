"""What a change request proposes: the given values checked as at creation (each bad field
named under ``changes`` or ``branches``), turned into diffs against the current record.

The stored change set is ``{field: {"old", "new"}}`` for partner fields, plus under
``branches``: ``added`` (full branch values) and ``changed`` (``{"id", "name", "changes"}``).
A head office moved to another branch shows as a change of both branches' flags.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.kit.errors import Unprocessable
from tradehub.partner.change_requests_schemas import (
    BranchChangesIn,
    BranchEdit,
    ChangeRequestCreate,
    PartnerChanges,
)
from tradehub.partner.checks import BranchFields, FieldErrors, check_branch, check_identity
from tradehub.partner.checks import check_unique as check_taken
from tradehub.partner.domain import (
    CHANGEABLE_BRANCH_FIELDS,
    CHANGEABLE_FIELDS,
    PartnerKind,
    branch_changes,
    field_changes,
    head_office_count_problem,
    partner_field_changes,
)
from tradehub.partner.models import Partner, PartnerBranch
from tradehub.partner.service import branches_by_partner

# --- proposing -------------------------------------------------------------------------------


def current_fields(partner: Partner) -> dict[str, Any]:
    return {name: getattr(partner, name) for name in CHANGEABLE_FIELDS}


def branch_values(branch: PartnerBranch) -> dict[str, Any]:
    return {name: getattr(branch, name) for name in CHANGEABLE_BRANCH_FIELDS}


def _proposed_fields(errors: FieldErrors, partner: Partner, body: PartnerChanges) -> dict[str, Any]:
    """The given fields, checked as at creation; errors are located under ``changes``."""
    given = {
        name: getattr(body, name) for name in CHANGEABLE_FIELDS if name in body.model_fields_set
    }
    for required in ("legal_name", "email"):
        if required in given and given[required] is None:
            errors.add(
                ("changes", required), "This field cannot be removed", "change_request.required"
            )
    if given.get("email") is not None:
        given["email"] = str(given["email"]).strip().lower()
    if "gstin" in given or given.get("mobile") is not None:
        found = FieldErrors()
        _, gstin, mobile = check_identity(
            found,
            kind=PartnerKind(partner.kind),
            pan=partner.pan,
            gstin=given.get("gstin", partner.gstin),
            mobile=given.get("mobile"),
        )
        for error in found.errors:
            errors.add(("changes", *error["loc"][1:]), error["msg"], error["type"])
        if "gstin" in given:
            given["gstin"] = gstin
        if given.get("mobile") is not None:
            given["mobile"] = mobile
    return given


def _checked_branch(
    errors: FieldErrors, loc: tuple[str | int, ...], values: dict[str, Any], partner: Partner
) -> dict[str, Any]:
    fields = BranchFields(
        values["name"], values["gstin"], values["state_code"], values["is_head_office"]
    )
    checked = check_branch(errors, loc, fields, pan=partner.pan, kind=PartnerKind(partner.kind))
    return {**values, "gstin": checked.gstin}


def _edited_branch(
    errors: FieldErrors, loc: tuple[str | int, ...], before: dict[str, Any], edit: BranchEdit
) -> dict[str, Any]:
    given = {n: getattr(edit, n) for n in CHANGEABLE_BRANCH_FIELDS if n in edit.model_fields_set}
    # A name, a state and the head-office flag cannot be cleared; a GSTIN and an address can.
    for name in ("name", "state_code", "is_head_office"):
        if name in given and given[name] is None:
            del given[name]
    if given.get("is_head_office") is False and before["is_head_office"]:
        errors.add(
            (*loc, "is_head_office"),
            "Make another branch the head office instead",
            "partner.head_office_required",
        )
    return {**before, **given}


def _move_head_office(
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
    added: list[dict[str, Any]],
) -> None:
    """A branch newly made head office takes the flag from the current one; a partner's first
    branch is its head office whatever the flag says."""
    if not before and added and not any(b["is_head_office"] for b in added):
        added[0]["is_head_office"] = True
    newly = [k for k, v in after.items() if v["is_head_office"] and not before[k]["is_head_office"]]
    if not newly and not any(b["is_head_office"] for b in added):
        return
    for key, values in after.items():
        if before[key]["is_head_office"] and key not in newly:
            after[key] = {**values, "is_head_office": False}


def _check_together(errors: FieldErrors, branches: list[dict[str, Any]]) -> None:
    problem = head_office_count_problem([b["is_head_office"] for b in branches])
    if problem:
        errors.add(("branches",), problem, "partner.head_office")
    names = [b["name"].lower() for b in branches]
    if len(set(names)) != len(names):
        errors.add(("branches",), "Branch names must differ", "partner.branch_name_repeated")
    gstins = [b["gstin"] for b in branches if b["gstin"]]
    if len(set(gstins)) != len(gstins):
        errors.add(("branches",), "A GSTIN is given to two branches", "partner.gstin_repeated")


def _proposed_branches(
    errors: FieldErrors, partner: Partner, current: list[PartnerBranch], body: BranchChangesIn
) -> dict[str, list[dict[str, Any]]]:
    before = {str(b.id): branch_values(b) for b in current}
    after = dict(before)
    edited: set[str] = set()
    for index, edit in enumerate(body.update):
        loc: tuple[str | int, ...] = ("branches", "update", index)
        key = str(edit.id)
        if key not in before or key in edited:
            problem = "is listed twice" if key in edited else "is not this partner's"
            errors.add((*loc, "id"), f"This branch {problem}", "partner.branch_not_found")
            continue
        edited.add(key)
        after[key] = _checked_branch(
            errors, loc, _edited_branch(errors, loc, before[key], edit), partner
        )
    added = [
        _checked_branch(errors, ("branches", "add", index), branch.model_dump(), partner)
        for index, branch in enumerate(body.add)
    ]
    _move_head_office(before, after, added)
    _check_together(errors, [*after.values(), *added])
    changed = [
        {"id": key, "name": before[key]["name"], "changes": changes}
        for key in before
        if (changes := field_changes(before[key], after[key]))
    ]
    return {"added": added, "changed": changed}


async def proposal(
    session: AsyncSession, partner: Partner, body: ChangeRequestCreate
) -> dict[str, Any]:
    """The stored change set: partner field diffs, and branch changes under ``branches``."""
    errors = FieldErrors()
    fields = _proposed_fields(errors, partner, body.changes)
    current = (await branches_by_partner(session, [partner.id]))[partner.id]
    branches = _proposed_branches(errors, partner, current, body.branches)
    errors.raise_if_any()
    changes: dict[str, Any] = field_changes(current_fields(partner), fields)
    if branches["added"] or branches["changed"]:
        changes["branches"] = branches
    if not changes:
        raise Unprocessable(
            "Nothing would change: every proposed value is the current one",
            code="change_request.empty",
        )
    return changes


async def check_unique(session: AsyncSession, partner: Partner, changes: dict[str, Any]) -> None:
    """New e-mail and GSTINs belong to no other partner (409 naming which)."""
    fields = partner_field_changes(changes)
    branches = branch_changes(changes)
    gstins = [
        *([fields["gstin"]["new"]] if "gstin" in fields else []),
        *(b["gstin"] for b in branches["added"]),
        *(b["changes"]["gstin"]["new"] for b in branches["changed"] if "gstin" in b["changes"]),
    ]
    email = fields["email"]["new"] if "email" in fields else partner.email
    await check_taken(
        session,
        pan=partner.pan,
        email=email,
        gstins=[g for g in gstins if g],
        partner_id=partner.id,
    )
