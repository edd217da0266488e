"""Requests and answers of the CCI routes: profiles, EMD deposits and computed figures.
Money is a string with two decimals; rates and percentages normalised (``"12.5"``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from tradehub.kit.decimals import MoneyIn, MoneyOut, QuantityIn, RateIn, RateOut
from tradehub.masters.units import Unit
from tradehub.pricing.cci import BuyerClass, EmdStatus
from tradehub.pricing.cci_charges import MoistureKind

Reference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- profiles --------------------------------------------------------------------------------


class BuyerClassSource(StrEnum):
    PROFILE = "profile"
    PARTNER_KIND = "partner_kind"


class CciProfileIn(Strict):
    is_cci: bool = Field(description="The partner is the Cotton Corporation of India (a seller)")
    buyer_class: BuyerClass | None = Field(
        default=None, description="EMD class of a buyer; null: from its kind (trader or mill)"
    )


class CciProfileRead(BaseModel):
    partner_id: uuid.UUID
    is_cci: bool
    buyer_class: BuyerClass = Field(description="The EMD class applied to this partner as buyer")
    buyer_class_source: BuyerClassSource
    version: int = Field(description="0 until a profile is first saved")


# --- EMD deposits ----------------------------------------------------------------------------


class EmdDepositIn(Strict):
    amount: MoneyIn
    date: date
    reference: Reference = Field(description="UTR, cheque or receipt number")

    @model_validator(mode="after")
    def _positive(self) -> EmdDepositIn:
        if self.amount <= 0:
            raise ValueError("amount must be more than 0")
        return self


class EmdDepositRead(BaseModel):
    id: uuid.UUID
    contract_id: uuid.UUID
    amount: MoneyOut
    date: date
    reference: str
    created_at: datetime


# --- computed figures ------------------------------------------------------------------------


class TermsSource(StrEnum):
    MASTER = "master"
    DEFAULT = "default"


class TermsUsed(BaseModel):
    """The CCI terms version in force on the contract date, or domain.md §3.6 defaults."""

    id: uuid.UUID | None
    effective_from: date | None
    source: TermsSource


class CciBasis(BaseModel):
    """What every figure starts from: the contract, its buyer's class and the CCI value."""

    contract_id: uuid.UUID
    contract_date: date
    bales: int
    rate_per_candy: RateOut = Field(description="The contract's rate per candy")
    cci_value: MoneyOut = Field(description="Provisional: bales × 0.48 candy × ₹/candy")
    buyer_class: BuyerClass
    buyer_class_source: BuyerClassSource
    terms: TermsUsed


class EmdRead(CciBasis):
    as_of: date
    emd_pct: RateOut
    required: MoneyOut = Field(description="cci_value × EMD % of the buyer class; no GST")
    received: MoneyOut = Field(description="Deposits dated on or before as_of")
    shortfall: MoneyOut
    excess: MoneyOut
    status: EmdStatus
    grace_expiry: date
    full_on: date | None = Field(description="The day the deposits reached the requirement")
    days_late: int
    late_interest_pct: RateOut
    late_interest: MoneyOut = Field(description="required × late % × days late / 365")
    per_bale: MoneyOut = Field(description="required ÷ bales")
    do_blocked: bool = Field(description="Delivery orders are refused while the EMD is short")


class LiftingRead(CciBasis):
    """Figures for the contract's unlifted bales (those on no delivery order that counts)."""

    lifting_date: date
    days: int = Field(description="Days from the contract date to the lifting date")
    lifted_bales: int
    unlifted_bales: int
    informational: bool = Field(description="True while the EMD is short (DOs are blocked)")


class CarryingRead(LiftingRead):
    base: MoneyOut = Field(
        description="(cci value − value of lifted bales) − per-bale EMD × unlifted bales"
    )
    carrying: MoneyOut
    gst: MoneyOut
    total: MoneyOut
    per_bale: MoneyOut
    per_100_bales: MoneyOut


class LateLiftingRead(LiftingRead):
    free_days: int
    days_late: int = Field(description="Days after the free lifting period")
    value: MoneyOut = Field(description="Value of the unlifted bales (no GST)")
    charge: MoneyOut


class MoistureIn(Strict):
    """Give the average ``moisture_pct`` or the sample readings (``samples``), not both."""

    moisture_pct: RateIn | None = None
    samples: list[RateIn] | None = Field(default=None, min_length=1, max_length=100)
    net_weight_kg: QuantityIn
    rate: RateIn | None = Field(default=None, description="Default: the contract's rate")
    rate_unit: Unit | None = Field(default=None, description="Default: the contract's rate unit")

    @model_validator(mode="after")
    def _one_reading(self) -> MoistureIn:
        if (self.moisture_pct is None) == (self.samples is None):
            raise ValueError("give moisture_pct or samples, not both")
        if (self.rate is None) != (self.rate_unit is None):
            raise ValueError("give rate and rate_unit together, or neither")
        if any(reading > 100 for reading in self.readings()):
            raise ValueError("a moisture reading is a percentage, at most 100")
        if self.net_weight_kg <= 0:
            raise ValueError("net_weight_kg must be more than 0")
        return self

    def readings(self) -> list[Decimal]:
        return list(self.samples) if self.samples is not None else [self.moisture_pct or Decimal(0)]


class MoistureRead(CciBasis):
    average_pct: RateOut
    lower_pct: RateOut
    upper_pct: RateOut
    delta_pct: RateOut = Field(description="average − upper (> 0) or average − lower (< 0)")
    kind: MoistureKind
    net_weight_kg: RateOut
    rate: RateOut
    rate_unit: Unit
    amount: MoneyOut = Field(description="|delta| / 100 × the goods' value at the rate")
    signed_amount: MoneyOut = Field(description="What it adds to the invoice (discount < 0)")


class PaymentAdviceRead(CciBasis):
    delivery_order_id: uuid.UUID | None
    do_bales: int
    payment_date: date
    carrying_days: int = Field(description="Days from the contract date to the payment date")
    emd_required: MoneyOut
    emd_received: MoneyOut
    emd_shortfall: MoneyOut
    blocked: bool
    emd_per_bale: MoneyOut
    do_value: MoneyOut
    do_gst: MoneyOut
    emd_for_do: MoneyOut
    after_emd: MoneyOut = Field(description="do_value + do_gst − emd_for_do")
    carrying: MoneyOut
    carrying_gst: MoneyOut
    carrying_per_bale: MoneyOut
    carrying_per_100_bales: MoneyOut
    total: MoneyOut = Field(description="after_emd + carrying + carrying_gst")
