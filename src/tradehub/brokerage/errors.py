"""Problems of the brokerage module."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, NotFound


class BillNotFound(NotFound):
    code = "brokerage.bill_not_found"


class InvalidTransition(Conflict):
    code = "brokerage.invalid_transition"


class OverAllocation(Conflict):
    code = "brokerage.over_allocation"


class BillCancelled(Conflict):
    code = "brokerage.bill_cancelled"
