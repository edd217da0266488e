"""What both documents share: the party shape, paragraph styles, tables and the page frame."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from tradehub.pricing.gst import GstAmounts
from tradehub.printing.fonts import register_fonts
from tradehub.printing.money import inr

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
GRID = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#eeeeee")


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """A party as printed: a seller, buyer, billed partner or the organization itself."""

    name: str
    gstin: str
    state: str
    branch: str = ""
    address: str = ""


class Styles:
    """Paragraph styles in the bundled font (built after it is registered)."""

    def __init__(self) -> None:
        regular, bold = register_fonts()
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=11.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9.5)
        self.bold = ParagraphStyle("bold", parent=self.body, fontName=bold)
        self.right = ParagraphStyle("right", parent=self.body, alignment=TA_RIGHT)
        self.bold_right = ParagraphStyle("bold_right", parent=self.bold, alignment=TA_RIGHT)
        self.head = ParagraphStyle(
            "head", parent=self.bold, fontSize=15, leading=19, alignment=TA_CENTER
        )
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.title = ParagraphStyle(
            "title", parent=self.bold, fontSize=12, leading=16, alignment=TA_CENTER
        )


def text(value: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: ``&``, ``<`` and ``>`` in names are escaped, not markup."""
    return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)


def letterhead(org: Party, title: str, s: Styles) -> list[Flowable]:
    lines = [org.address, f"GSTIN: {org.gstin}   State: {org.state}"]
    return [
        text(org.name, s.head),
        text("\n".join(line for line in lines if line), s.center),
        Table([[text(title, s.title)]], colWidths=[WIDTH], style=boxed(shade_header=True)),
    ]


def party_cell(label: str, party: Party, s: Styles) -> list[Flowable]:
    cell = [text(label, s.small), text(party.name, s.bold)]
    if party.branch:
        cell.append(text(f"Branch: {party.branch}", s.body))
    if party.address:
        cell.append(text(party.address, s.body))
    cell.append(text(f"GSTIN: {party.gstin}", s.body))
    cell.append(text(f"State: {party.state}", s.body))
    return cell


def boxed(*, shade_header: bool = False, extra: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), register_fonts()[0]),  # for plain-string cells
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if shade_header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    return TableStyle([*commands, *extra])


def grid(rows: list[list[Any]], widths: Sequence[float], **style: Any) -> Table:
    """A boxed table whose header row repeats when it breaks across pages."""
    return Table(rows, colWidths=list(widths), repeatRows=1, style=boxed(**style))


def key_values(pairs: Sequence[tuple[str, str]], s: Styles, columns: int = 2) -> Table:
    """Label/value pairs laid out ``columns`` pairs a row."""
    cells = [[text(k, s.small), text(v, s.bold)] for k, v in pairs]
    rows: list[list[Any]] = []
    for start in range(0, len(cells), columns):
        row = [c for pair in cells[start : start + columns] for c in pair]
        rows.append(row + [""] * (2 * columns - len(row)))
    unit = WIDTH / columns
    return Table(rows, colWidths=[unit * 0.38, unit * 0.62] * columns, style=boxed())


def build(story: list[Flowable], *, title: str, author: str, footer: str, s: Styles) -> bytes:
    """Lay out ``story`` on A4 pages with ``footer`` and the page number; the PDF's bytes.

    ``invariant`` leaves out the creation time and random file id, so the same data gives the
    same bytes (tests and caches can compare them).
    """
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 5 * mm,
        title=title,
        author=author,
        creator="TradeHub",
        invariant=True,
        initialFontName=s.body.fontName,  # no unembedded Helvetica in the page preamble
    )
    on_page = _footer(footer, s)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _footer(footer: str, s: Styles) -> Callable[[Any, Any], None]:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(s.body.fontName, 7.5)
        canvas.drawString(MARGIN, MARGIN, footer)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def percent_text(rate: Decimal) -> str:
    """``Decimal("2.50")`` → ``"2.5%"``, ``Decimal("18")`` → ``"18%"``."""
    return f"{rate.normalize():f}%"


def gst_rows(gst: GstAmounts, s: Styles, *, taxable_label: str) -> list[list[Paragraph]]:
    """Label/amount rows: taxable value, CGST + SGST (same state) or IGST, round-off, total."""
    rows = [(taxable_label, gst.taxable_value)]
    if gst.intra_state:
        half = percent_text(gst.rate / 2)
        rows += [(f"CGST @ {half}", gst.cgst), (f"SGST @ {half}", gst.sgst)]
    else:
        rows.append((f"IGST @ {percent_text(gst.rate)}", gst.igst))
    rows.append(("Round off", gst.round_off))
    out = [[text(label, s.right), text(inr(amount), s.right)] for label, amount in rows]
    out.append([text("Total", s.bold_right), text(inr(gst.total_amount), s.bold_right)])
    return out
