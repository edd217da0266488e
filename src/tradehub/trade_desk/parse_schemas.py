"""Request and answer of ``POST /trade-desk/parse`` (trade-message-parsing.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tradehub.trade_desk.parsing import ParsedMessage

MAX_TEXT_LENGTH = 2000
# Whole numbers render as JSON integers (55500), others as decimals (3.8).
Number = int | float


class ParseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_LENGTH)] = Field(
        examples=["Need 500 bales S-6 29mm mic 3.8-4.2 RD 75+ @ 55,500 ex-Rajkot, 15 days payment"]
    )


class ParameterRange(BaseModel):
    min: Number | None
    max: Number | None


class ParseResponse(BaseModel):
    """Every key is always present; ``null`` when the message does not say it."""

    intent: Literal["buy", "sell"] | None
    commodity: str | None
    variety: str | None
    quantity: Number | None
    unit: Literal["bales", "candy", "quintal", "kg", "tonne"] | None
    price: Number | None
    price_unit: Literal["candy", "quintal", "kg", "bale"] | None
    station: str | None
    parameters: dict[str, ParameterRange] = Field(
        description="Only the parameters the message mentions",
        examples=[{"mic": {"min": 3.8, "max": 4.2}, "rd": {"min": 75, "max": None}}],
    )
    payment: Literal["advance", "against_delivery", "credit"] | None
    payment_days: int | None
    delivery_days: int | None
    certificates: list[str]
    confidence: Annotated[float, Field(ge=0, le=1)]
    unparsed: list[str]

    @classmethod
    def of(cls, parsed: ParsedMessage) -> ParseResponse:
        return cls.model_validate(parsed.as_dict())
