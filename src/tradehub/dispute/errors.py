"""Problems of the dispute module."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, Forbidden, NotFound


class DisputeNotFound(NotFound):
    code = "dispute.not_found"


class InvalidTransition(Conflict):
    code = "dispute.invalid_transition"


class ContractNotDisputable(Conflict):
    """Disputes are raised on confirmed contracts (or ones already disputed)."""

    code = "dispute.contract_not_confirmed"


class DisputeFinal(Conflict):
    """A closed or withdrawn dispute takes no more comments."""

    code = "dispute.final"


class StaffOnly(Forbidden):
    code = "dispute.staff_only"


class NotRaiser(Forbidden):
    code = "dispute.not_raiser"


class InternalCommentForbidden(Forbidden):
    code = "dispute.internal_comment_forbidden"
