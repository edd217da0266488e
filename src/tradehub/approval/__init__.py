"""Maker-checker approval requests, one mechanism for every module (domain.md decision 1)."""
