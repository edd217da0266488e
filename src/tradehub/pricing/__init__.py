"""Pure money rules (issue #5): GST split, contract value, brokerage, CCI terms, amount in words.

``Decimal`` in and out, never float; no database, no HTTP. See ``README.md`` for the rounding
decisions and the ambiguities found in ``api.md`` and ``domain.md``.
"""
