"""Documents: uploads attached to any entity, stored locally or in S3 (api.md §10)."""
