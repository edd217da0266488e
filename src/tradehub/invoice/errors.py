"""Problems of the invoice module."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, NotFound


class InvoiceNotFound(NotFound):
    code = "invoice.not_found"


class DuplicateInvoiceNumber(Conflict):
    code = "invoice.duplicate_number"


class OverAllocation(Conflict):
    code = "invoice.over_allocation"


class InvoiceCancelled(Conflict):
    """Nothing is allocated or credited to a cancelled invoice."""

    code = "invoice.cancelled"


class InvoiceNotCancellable(Conflict):
    """``code`` is set per refusal: ``invoice.invalid_transition`` (already cancelled),
    ``invoice.has_payments`` or ``invoice.has_credit_notes``."""

    code = "invoice.invalid_transition"


class CreditNoteNotFound(NotFound):
    code = "credit_note.not_found"


class DuplicateCreditNoteNumber(Conflict):
    code = "credit_note.duplicate_number"


class CreditExceedsOutstanding(Conflict):
    code = "credit_note.exceeds_outstanding"


class CreditNoteAlreadyCancelled(Conflict):
    code = "credit_note.invalid_transition"
