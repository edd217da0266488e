"""Numbering failures as problems."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, Unprocessable


class InvalidNumbering(Unprocessable):
    code, title = "numbering.invalid", "Invalid series, year or number"


class SeriesExhausted(Conflict):
    code, title = "numbering.series_exhausted", "The series has no numbers left"


class NumberNotIssued(Unprocessable):
    code, title = "numbering.not_issued", "The number was never given"


class NumberAlreadyCancelled(Conflict):
    code, title = "numbering.already_cancelled", "The number is already cancelled"
