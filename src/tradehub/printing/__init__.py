"""PDF documents (ReportLab, bundled DejaVu Sans for ₹): the sales contract and the brokerage
bill. Pure: no database, settings or HTTP; callers pass frozen ``*Print`` dataclasses and get
bytes. ``render_off_loop`` runs a renderer in a worker thread for async code."""

from tradehub.printing.bill_pdf import BillLine, BrokerageBillPrint, render_brokerage_bill
from tradehub.printing.contract_pdf import ContractPrint, render_contract
from tradehub.printing.layout import Party
from tradehub.printing.money import indian_number, inr
from tradehub.printing.offloop import render_off_loop

__all__ = [
    "BillLine",
    "BrokerageBillPrint",
    "ContractPrint",
    "Party",
    "indian_number",
    "inr",
    "render_brokerage_bill",
    "render_contract",
    "render_off_loop",
]
