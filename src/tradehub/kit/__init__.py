"""Domain-free plumbing shared by every module: database, types, errors, lists, requests."""
