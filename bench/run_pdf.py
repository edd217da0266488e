"""PDF rendering cost: milliseconds a page for the sales contract and the brokerage bill.

Each case is rendered ``--renders`` times in this process after one warm-up render (fonts
registered, modules imported); pages are counted with pypdf; the figure is the median render
time divided by the pages.

    .venv/bin/python bench/run_pdf.py [--renders 50]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.printing.factories import bill, contract
from tradehub.printing import render_brokerage_bill, render_contract

CASES: list[tuple[str, Callable[[], bytes]]] = [
    ("contract, 3 quality params", lambda: render_contract(contract())),
    ("contract, 150 quality params", lambda: render_contract(contract(quality_params=150))),
    ("brokerage bill, 3 lines", lambda: render_brokerage_bill(bill())),
    ("brokerage bill, 120 lines", lambda: render_brokerage_bill(bill(lines=120))),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, CPUs: {os.cpu_count()}")
    print("| document | pages | KiB | median ms | ms/page | p90 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, render in CASES:
        pdf = render()
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        times = []
        for _ in range(args.renders):
            start = time.perf_counter()
            render()
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(
            f"| {name} | {pages} | {len(pdf) / 1024:.0f} | {median:.1f} | "
            f"{median / pages:.1f} | {p90:.1f} |"
        )


if __name__ == "__main__":
    main()
