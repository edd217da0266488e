"""The party ledger and the outstanding report (api.md §8)."""
