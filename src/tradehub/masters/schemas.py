"""Requests and answers of the masters API (api.md §4)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from tradehub.kit.decimals import RateIn, RateOut
from tradehub.kit.pagination import sort_enum
from tradehub.masters.units import Unit

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ParamName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")]
HsnCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4,8}$")]
Days = Annotated[int, Field(ge=0, le=3650)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bounds(Strict):
    min: RateIn | None = None
    max: RateIn | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class BoundsRead(BaseModel):
    min: RateOut | None
    max: RateOut | None


QualitySpecs = Annotated[dict[ParamName, Bounds], Field(max_length=50)]


# --- commodities -----------------------------------------------------------------------------


class VarietyCreate(Strict):
    name: Name
    aliases: Annotated[list[Alias], Field(max_length=30)] = Field(default_factory=list)
    quality_specs: QualitySpecs = Field(
        default_factory=dict, description="Default quality: {param: {min, max}}"
    )


class VarietyUpdate(Strict):
    name: Name | None = None
    aliases: Annotated[list[Alias], Field(max_length=30)] | None = None
    quality_specs: QualitySpecs | None = None
    is_active: bool | None = None


class VarietyRead(BaseModel):
    id: uuid.UUID
    name: str
    aliases: list[str]
    quality_specs: dict[str, BoundsRead]
    is_active: bool


class ParameterCreate(Strict):
    name: ParamName
    label: Name
    unit: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""
    min: RateIn
    max: RateIn
    weight: RateIn = Decimal("1")

    @model_validator(mode="after")
    def _ordered(self) -> ParameterCreate:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class ParameterUpdate(Strict):
    label: Name | None = None
    unit: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    min: RateIn | None = None
    max: RateIn | None = None
    weight: RateIn | None = None
    is_active: bool | None = None


class ParameterRead(BaseModel):
    id: uuid.UUID
    name: str
    label: str
    unit: str
    min: RateOut
    max: RateOut
    weight: RateOut
    is_active: bool


class CommodityCreate(Strict):
    name: Name
    hsn_code: HsnCode
    gst_rate: RateIn = Field(description='GST %, e.g. "5"')
    unit: Unit = Unit.BALES
    rate_unit: Unit = Unit.CANDY
    aliases: Annotated[list[Alias], Field(max_length=30)] = Field(
        default_factory=list, description="Other spellings in chat messages, e.g. binola"
    )
    varieties: Annotated[list[VarietyCreate], Field(max_length=200)] = Field(default_factory=list)
    parameters: Annotated[list[ParameterCreate], Field(max_length=50)] = Field(default_factory=list)


class CommodityUpdate(Strict):
    name: Name | None = None
    hsn_code: HsnCode | None = None
    gst_rate: RateIn | None = None
    unit: Unit | None = None
    rate_unit: Unit | None = None
    aliases: Annotated[list[Alias], Field(max_length=30)] | None = None
    is_active: bool | None = None


class CommodityRead(BaseModel):
    id: uuid.UUID
    name: str
    hsn_code: str
    gst_rate: RateOut
    unit: Unit
    rate_unit: Unit
    aliases: list[str]
    is_active: bool
    varieties: list[VarietyRead]
    parameters: list[ParameterRead]
    created_at: datetime
    updated_at: datetime
    version: int


CommoditySort = sort_enum("CommoditySort", ["name", "created_at"])


# --- commission structures -------------------------------------------------------------------


class CommissionKind(StrEnum):
    PERCENTAGE = "percentage"
    PER_BALE = "per_bale"
    FLAT = "flat"


class CommissionCreate(Strict):
    name: Name
    kind: CommissionKind
    value: RateIn = Field(description="% for percentage (≤ 100); rupees for per_bale and flat")


class CommissionUpdate(Strict):
    name: Name | None = None
    kind: CommissionKind | None = None
    value: RateIn | None = None
    is_active: bool | None = None


class CommissionRead(BaseModel):
    id: uuid.UUID
    name: str
    kind: CommissionKind
    value: str = Field(description='"2.5" for a percentage; "50.00" rupees otherwise')
    is_active: bool
    created_at: datetime
    updated_at: datetime
    version: int


CommissionSort = sort_enum("CommissionSort", ["name", "created_at"])


# --- terms -----------------------------------------------------------------------------------


class TermKind(StrEnum):
    TRADE = "trade"
    BARGAIN = "bargain"
    PASSING = "passing"
    WEIGHTMENT = "weightment"
    DELIVERY = "delivery"
    PAYMENT = "payment"


KINDS_WITH_DAYS = frozenset({TermKind.DELIVERY, TermKind.PAYMENT})


class TermCreate(Strict):
    kind: TermKind
    name: Name
    days: Days | None = Field(default=None, description="delivery and payment terms only")


class TermUpdate(Strict):
    name: Name | None = None
    days: Days | None = None
    is_active: bool | None = None


class TermRead(BaseModel):
    id: uuid.UUID
    kind: TermKind
    name: str
    days: int | None
    is_active: bool
    created_at: datetime
    updated_at: datetime
    version: int


TermSort = sort_enum("TermSort", ["name", "created_at"])


# --- GST rates -------------------------------------------------------------------------------


class GstRateCreate(Strict):
    rate: RateIn
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    hsn_or_sac: HsnCode


class GstRateUpdate(Strict):
    rate: RateIn | None = None
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = (
        None
    )
    is_active: bool | None = None


class GstRateRead(BaseModel):
    id: uuid.UUID
    rate: RateOut
    description: str
    hsn_or_sac: str
    is_active: bool
    created_at: datetime
    updated_at: datetime
    version: int


GstRateSort = sort_enum("GstRateSort", ["hsn_or_sac", "created_at"])


# --- CCI terms -------------------------------------------------------------------------------


class CciTermsFields(Strict):
    contract_days: Days = 45
    emd_days: Days = 5
    cash_discount_pct: RateIn = Decimal("5")
    carrying_tier1_days: Days = 30
    carrying_tier1_pct: RateIn = Decimal("1.25")
    carrying_tier2_days: Days = 0
    carrying_tier2_pct: RateIn = Decimal("1.35")
    additional_deposit_pct: RateIn = Decimal("10")
    deposit_interest_pct: RateIn = Decimal("5")
    free_lifting_days: Days = 21
    late_lifting_tier1_days: Days = 30
    late_lifting_tier1_pct: RateIn = Decimal("0.5")
    late_lifting_tier2_days: Days = 60
    late_lifting_tier2_pct: RateIn = Decimal("0.75")
    late_lifting_tier3_pct: RateIn = Decimal("1")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""

    @model_validator(mode="after")
    def _percentages(self) -> CciTermsFields:
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name.endswith("_pct") and value > 100:
                raise ValueError(f"{name} must not exceed 100")
        return self


class CciTermsCreate(CciTermsFields):
    effective_from: date


class CciTermsRead(BaseModel):
    id: uuid.UUID
    effective_from: date
    effective_to: date | None = Field(description="The day before the next version, if any")
    contract_days: int
    emd_days: int
    cash_discount_pct: RateOut
    carrying_tier1_days: int
    carrying_tier1_pct: RateOut
    carrying_tier2_days: int
    carrying_tier2_pct: RateOut
    additional_deposit_pct: RateOut
    deposit_interest_pct: RateOut
    free_lifting_days: int
    late_lifting_tier1_days: int
    late_lifting_tier1_pct: RateOut
    late_lifting_tier2_days: int
    late_lifting_tier2_pct: RateOut
    late_lifting_tier3_pct: RateOut
    note: str
    created_at: datetime
    updated_at: datetime
    version: int


CciTermsSort = sort_enum("CciTermsSort", ["effective_from"])
