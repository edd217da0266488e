"""The pricing package is pure Decimal: no float anywhere, no I/O imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import tradehub.pricing

PACKAGE = Path(tradehub.pricing.__file__).parent
SOURCES = sorted(PACKAGE.glob("*.py"))


def test_there_are_sources() -> None:
    assert {p.name for p in SOURCES} >= {"gst.py", "contract_value.py", "brokerage.py", "words.py"}


def test_no_float_in_the_package() -> None:
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bfloat\s*\(", text), path.name
        assert not re.search(r"\bfloat\b", _code_only(text)), path.name
        assert "math." not in text and "import math" not in text, path.name


def test_imports_only_decimal_tools_and_units() -> None:
    allowed = {
        "__future__", "collections.abc", "contextlib", "dataclasses", "datetime", "decimal",
        "enum", "re", "tradehub.masters.units",
    }  # fmt: skip
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                ok = node.module in allowed or node.module.startswith("tradehub.pricing")
                assert ok, f"{path.name} imports {node.module}"
            elif isinstance(node, ast.Import):
                bad = [a.name for a in node.names if a.name not in allowed]
                assert not bad, f"{path.name} imports {bad}"


def _code_only(text: str) -> str:
    """The source without docstrings and comments, where the word may be used to explain."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list) or not body:
            continue
        first = body[0]
        is_docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        if is_docstring and isinstance(first.value.value, str):
            body[0] = ast.Pass()
    return ast.unparse(tree)
