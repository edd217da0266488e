"""Operations endpoints at the root: liveness, readiness and metrics (api.md §2)."""
