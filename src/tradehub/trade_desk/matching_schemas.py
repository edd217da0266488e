"""Answers of ``GET /trade-desk/requirements/{id}/matches``."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from tradehub.kit.decimals import MoneyOut
from tradehub.kit.pagination import sort_enum


class MatchKind(StrEnum):
    OFFER = "offer"
    TESTED_LOT = "tested_lot"


class MatchScope(StrEnum):
    """``local``: the requirement's state (and traders); ``all``: anywhere (staff only)."""

    LOCAL = "local"
    ALL = "all"


# ``-match_score`` (default): best score first, then the lowest normalised price.
# ``normalised_price``: cheapest at the buyer's specification first, then the best score.
MatchSort = sort_enum("MatchSort", ["match_score", "normalised_price"])


class MatchRead(BaseModel):
    kind: MatchKind
    id: uuid.UUID
    seller_id: uuid.UUID
    seller_name: str
    requirement_id: uuid.UUID | None = Field(
        description="The requirement an offer answers; null for an open offer or a tested lot"
    )
    tested_lot_id: uuid.UUID | None = Field(description="The lot an offer sells, if any")
    variety: str
    bales: int = Field(description="Offers: the bales last proposed; tested lots: available")
    station_id: uuid.UUID
    parameters: dict[str, Any]
    price: MoneyOut | None = Field(description="Offers: the latest proposal's price")
    price_unit: str | None
    normalised_price: MoneyOut | None = Field(
        description="The price per the requirement's price unit, adjusted to its specification "
        "by the commodity's premium/discount table; lower is a better buy"
    )
    normalised_price_unit: str
    payment_terms: str | None
    payment_days: int | None
    delivery_days: int | None
    valid_until: datetime
    match_score: int = Field(ge=0, le=100)
    label: str = Field(description="best (≥ 90), good (75–89), average (60–74), poor (< 60)")
    score_breakdown: dict[str, Any]
    parameter_deviations: dict[str, str] = Field(
        description="Value − nearest bound per asked parameter the supply reports (0 inside)"
    )
