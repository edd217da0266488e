"""Brokerage bills (api.md §8, §10)."""
