"""Document numbers: gapless per organization, financial year and series (README.md)."""
