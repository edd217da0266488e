"""Goods invoices recorded by the broker (api.md §7)."""
