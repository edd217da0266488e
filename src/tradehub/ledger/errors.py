"""Problems of the ledger module."""

from __future__ import annotations


class NotInLedger(RuntimeError):
    """A posting named a document the ledger has no row for. A programming error, never the
    caller's (every debit document is opened in the transaction that creates it, or by the
    backfill migration), so it is an unexpected 500 that rolls the business change back."""
