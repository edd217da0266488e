"""The trade desk dashboard's answer (``GET /trade-desk/dashboard``)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from tradehub.kit.decimals import MoneyOut


def _one_decimal(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.1")), "f")


# Averages and rates with exactly one decimal ("77.3", "50.0"), as strings like every decimal.
TenthsOut = Annotated[
    Decimal,
    PlainSerializer(_one_decimal, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "examples": ["77.3"]}),
]


class PeriodRead(BaseModel):
    """Calendar days in India (IST), both included."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    first: date = Field(alias="from")
    last: date = Field(alias="to")


class RequirementCounts(BaseModel):
    """Requirements posted in the period, by status."""

    open: int = 0
    offers_received: int = 0
    negotiation: int = 0
    contract_created: int = 0
    cancelled: int = 0
    expired: int = 0
    total: int = 0


class OfferCounts(BaseModel):
    """Offers made in the period, by status."""

    pending: int = 0
    countered: int = 0
    accepted: int = 0
    rejected: int = 0
    expired: int = 0
    withdrawn: int = 0
    total: int = 0


class TopCommodity(BaseModel):
    commodity_id: uuid.UUID
    name: str
    requirements: int
    offers: int
    value: MoneyOut = Field(description="Accepted offers' value in the period")


class SellerPerformance(BaseModel):
    seller_id: uuid.UUID
    seller_name: str
    offers_submitted: int
    offers_accepted: int
    acceptance_rate: TenthsOut = Field(description="Percent of submitted offers accepted")
    average_match_score: TenthsOut | None = Field(
        description="Of its offers tied to requirements; null when none has a score"
    )
    average_response_time_seconds: int | None = Field(
        description="Requirement posted → this seller's first offer on it, over requirements "
        "posted in the period; null when none"
    )
    accepted_value: MoneyOut


class DashboardRead(BaseModel):
    period: PeriodRead
    requirements: RequirementCounts
    offers: OfferCounts
    total_value: MoneyOut = Field(
        description="Σ over accepted offers made in the period of accepted bales × 170 kg "
        "converted to the price unit × latest price, each rounded half-up to paise"
    )
    average_match_score: TenthsOut | None = Field(
        description="Of offers made in the period on requirements; null when none"
    )
    average_response_time_seconds: int | None = Field(
        description="Requirement posted → its first offer, over requirements posted in the "
        "period that have an offer; null when none"
    )
    top_commodities: list[TopCommodity] = Field(
        description="At most 5: by value, then requirements + offers, then name"
    )
    seller_performance: list[SellerPerformance] = Field(
        description="At most 10: by accepted value, then accepted, then submitted, then name"
    )
