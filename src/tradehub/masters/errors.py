"""Masters errors with their stable codes."""

from __future__ import annotations

from collections.abc import Sequence

from tradehub.kit.errors import Conflict, NotFound, Unprocessable


class CommodityNotFound(NotFound):
    code = "commodity.not_found"


class VarietyNotFound(NotFound):
    code = "variety.not_found"


class ParameterNotFound(NotFound):
    code = "parameter.not_found"


class CommissionStructureNotFound(NotFound):
    code = "commission_structure.not_found"


class TermNotFound(NotFound):
    code = "term.not_found"


class GstRateNotFound(NotFound):
    code = "gst_rate.not_found"


class CciTermsNotFound(NotFound):
    code = "cci_terms.not_found"


class NameTaken(Conflict):
    code = "master.name_taken"


class CciTermsInForce(Conflict):
    code, title = "cci_terms.in_force", "This version is in force and cannot change"


def field_error(loc: Sequence[str | int], message: str, code: str) -> Unprocessable:
    return Unprocessable(
        message, code=code, errors=[{"loc": ["body", *loc], "msg": message, "type": code}]
    )
