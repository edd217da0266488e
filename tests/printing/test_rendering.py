"""Fonts bundled with the package, thread safety and rendering off the event loop."""

from __future__ import annotations

import asyncio
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFont

from tests.printing.factories import bill, contract, read
from tradehub.printing import render_brokerage_bill, render_contract, render_off_loop
from tradehub.printing.fonts import FILES, FONT_DIR, register_fonts

ROOT = Path(__file__).resolve().parents[2]


def test_bundled_fonts_have_the_rupee_sign_and_a_licence() -> None:
    for name, path in FILES.items():
        assert path.parent == FONT_DIR and path.is_file(), name
        assert 0x20B9 in TTFont(f"probe-{name}", str(path)).face.charToGlyph
    assert "Bitstream" in (FONT_DIR / "LICENSE").read_text(encoding="utf-8")
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "printing/fonts/*" in data["tool"]["setuptools"]["package-data"]["tradehub"]


def test_registering_from_many_threads_is_harmless() -> None:
    with ThreadPoolExecutor(8) as pool:
        results = set(pool.map(lambda _: register_fonts(), range(32)))
    assert results == {("DejaVuSans", "DejaVuSans-Bold")}


def test_concurrent_renders_give_the_same_documents() -> None:
    expected = {"contract": render_contract(contract()), "bill": render_brokerage_bill(bill())}

    def one(i: int) -> tuple[str, bytes]:
        if i % 2:
            return "contract", render_contract(contract())
        return "bill", render_brokerage_bill(bill())

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(48)))
    assert all(pdf == expected[kind] for kind, pdf in results)
    assert "SC/26-27/00001" in read(results[1][1])[1]


async def test_render_off_loop_keeps_the_loop_ticking() -> None:
    data = contract(quality_params=300)
    ticks: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.002)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    pdf = await render_off_loop(render_contract, data)
    finished = time.perf_counter()
    stop.set()
    await task
    during = [t for t in ticks if started <= t <= finished]
    assert finished - started > 0.02  # long enough to notice a blocked loop
    assert len(during) >= 3, (finished - started, len(during))
    assert pdf == render_contract(data)
    assert await render_off_loop(render_brokerage_bill, bill()) == render_brokerage_bill(bill())
