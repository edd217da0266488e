"""Bodies for masters tests."""

from __future__ import annotations

import uuid
from typing import Any

COMMODITIES = "/api/v1/commodities"


def cotton(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"Cotton {uuid.uuid4().hex[:6]}",
        "hsn_code": "5201",
        "gst_rate": "5",
        "unit": "bales",
        "rate_unit": "candy",
        "varieties": [
            {
                "name": "Shankar-6",
                "aliases": ["S-6", "S6", "Sankar-6"],
                "quality_specs": {"staple_mm": {"min": "28.5", "max": "29.5"}},
            },
            {"name": "DCH-32", "aliases": ["DCH32"]},
            {"name": "MCU-5", "aliases": []},
        ],
        "parameters": [
            {
                "name": "staple_mm",
                "label": "Staple length",
                "unit": "mm",
                "min": "26",
                "max": "34",
                "weight": "1.0",
            },
            {
                "name": "mic",
                "label": "Micronaire",
                "unit": "",
                "min": "3.0",
                "max": "5.5",
                "weight": "1",
            },
            {
                "name": "strength_gpt",
                "label": "Strength",
                "unit": "g/tex",
                "min": 20,
                "max": 35,
                "weight": 0.8,
            },
            {
                "name": "trash_pct",
                "label": "Trash",
                "unit": "%",
                "min": "0",
                "max": "5",
                "weight": "0.6",
            },
            {
                "name": "moisture_pct",
                "label": "Moisture",
                "unit": "%",
                "min": "0",
                "max": "12",
                "weight": "0.5",
            },
        ],
    }
    body.update(overrides)
    return body
