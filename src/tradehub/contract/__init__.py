"""Sales contracts (api.md §6)."""
