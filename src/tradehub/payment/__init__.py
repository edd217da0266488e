"""Payments between parties and their allocations to invoices (api.md §7)."""
