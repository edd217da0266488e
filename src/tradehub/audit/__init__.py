"""The audit log: append-only, hash-chained events written by every module's services."""
