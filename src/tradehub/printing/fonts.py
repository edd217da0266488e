"""The bundled DejaVu Sans (regular and bold), registered with ReportLab once per process.

DejaVu Sans has the rupee sign ₹ (U+20B9), which ReportLab's built-in Helvetica has not. The
TTF files and their licence live in ``fonts/`` (package data); nothing is downloaded.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FILES = {REGULAR: FONT_DIR / "DejaVuSans.ttf", BOLD: FONT_DIR / "DejaVuSans-Bold.ttf"}
RUPEE = "\u20b9"

_lock = threading.Lock()
_registered = False


def register_fonts() -> tuple[str, str]:
    """Register the fonts (first call only; safe from many threads) → ``(regular, bold)``."""
    global _registered
    if _registered:
        return REGULAR, BOLD
    with _lock:
        if not _registered:
            for name, path in FILES.items():
                font = TTFont(name, str(path))
                if ord(RUPEE) not in font.face.charToGlyph:
                    raise RuntimeError(f"{path.name} has no glyph for {RUPEE}")
                pdfmetrics.registerFont(font)
            pdfmetrics.registerFontFamily(
                REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
            )
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(REGULAR, bold, italic, BOLD if bold else REGULAR)
            _registered = True
    return REGULAR, BOLD
