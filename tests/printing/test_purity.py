"""tradehub.printing is pure: ReportLab, anyio, the standard library and tradehub.pricing."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import tradehub.printing

PACKAGE = Path(tradehub.printing.__file__).parent
ALLOWED_THIRD_PARTY = {"reportlab", "anyio"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_printing_imports_no_database_settings_or_http() -> None:
    sources = sorted(PACKAGE.glob("*.py"))
    assert {p.name for p in sources} >= {"fonts.py", "money.py", "contract_pdf.py", "bill_pdf.py"}
    for path in sources:
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "tradehub":
                assert name.startswith(("tradehub.pricing", "tradehub.printing")), (path, name)
            else:
                ok = top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY
                assert ok, (path.name, name)
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 250, path.name
