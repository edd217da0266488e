"""Disputes on sales contracts (domain.md §3.5)."""
