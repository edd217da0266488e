"""Problems of the invoice module."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, NotFound


class InvoiceNotFound(NotFound):
    code = "invoice.not_found"


class DuplicateInvoiceNumber(Conflict):
    code = "invoice.duplicate_number"


class OverAllocation(Conflict):
    code = "invoice.over_allocation"
