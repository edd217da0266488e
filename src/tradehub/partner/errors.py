"""Problems of the partner module."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, NotFound, Unprocessable


class PartnerNotFound(NotFound):
    code = "partner.not_found"


class BranchNotFound(NotFound):
    code = "partner.branch_not_found"


class InvalidTransition(Conflict):
    code = "partner.invalid_transition"


class NotEditable(Conflict):
    code = "partner.not_editable"


class PartnerNotActive(Unprocessable):
    code = "partner.not_active"
