"""Commodities, varieties, quality parameters and the trade masters."""
