"""Import files for tests: stations and partners as CSV or XLSX bytes, with valid, unique keys."""

from __future__ import annotations

import csv
import io
import random
import string
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

from tests.organization.helpers import make_gstin

STATION_HEADER = ("name", "state_code", "region")
PARTNER_HEADER = ("legal_name", "kind", "pan", "gstin", "email", "mobile", "address")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = False) -> bytes:
    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + stream.getvalue().encode()


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, list(header))
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is not None and value != "":
                sheet.write(number, column, value)
    book.close()
    return buffer.getvalue()


class Keys:
    """PANs (and so GSTINs) that differ from each other, systematically, under a random prefix
    so that two sets in one test do not meet."""

    def __init__(self) -> None:
        self.prefix = "".join(random.choices(string.ascii_uppercase, k=3))
        self.tag = self.prefix.lower()

    def pan(self, index: int) -> str:
        letter = string.ascii_uppercase[index // 9999 % 26]
        return f"{self.prefix}C{letter}{index % 9999 + 1:04d}K"

    def partner(self, index: int, *, kind: str = "seller", state: str = "24") -> list[str]:
        pan = self.pan(index)
        return [
            f"Shree Ginning {self.tag}-{index} Pvt Ltd",
            kind,
            pan,
            make_gstin(state, pan),
            f"accounts-{self.tag}-{index}@example.in",
            "9825012345",
            "APMC Yard, Rajkot",
        ]

    def partners(self, count: int, **options: str) -> list[list[str]]:
        return [self.partner(index, **options) for index in range(count)]

    def station(self, index: int, state: str = "27") -> list[str]:
        return [f"Town {self.tag}-{index}", state, "Vidarbha"]

    def stations(self, count: int) -> list[list[str]]:
        return [self.station(index) for index in range(count)]
