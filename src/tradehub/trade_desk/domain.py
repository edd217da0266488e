"""Pure rules of the trade desk: the requirement and offer state machines, whose turn it is in
a negotiation, payment terms, certificates and quality values within the commodity's bounds.
No I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final


class RequirementStatus(StrEnum):
    OPEN = "open"  # posted, no offer yet
    OFFERS_RECEIVED = "offers_received"
    NEGOTIATION = "negotiation"  # some offer was countered
    CONTRACT_CREATED = "contract_created"  # accepted offers cover the bales asked
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class OfferStatus(StrEnum):
    PENDING = "pending"  # the seller's proposal (round 1) stands
    COUNTERED = "countered"  # a later round stands
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class LotStatus(StrEnum):
    """Of a tested lot."""

    ACTIVE = "active"
    EXPIRED = "expired"
    DEPLETED = "depleted"


class Side(StrEnum):
    SELLER = "seller"
    BUYER = "buyer"

    @property
    def other(self) -> Side:
        return Side.BUYER if self is Side.SELLER else Side.SELLER


class PaymentTerms(StrEnum):
    ADVANCE = "advance"
    AGAINST_DELIVERY = "against_delivery"
    CREDIT = "credit"


# A requirement takes offers and negotiation in these states; the others are final.
ACTIVE_REQUIREMENT: Final = frozenset(
    {RequirementStatus.OPEN, RequirementStatus.OFFERS_RECEIVED, RequirementStatus.NEGOTIATION}
)
# An offer may be countered, accepted, rejected or withdrawn only in these states.
OPEN_OFFER: Final = frozenset({OfferStatus.PENDING, OfferStatus.COUNTERED})
DECIDED_OFFER: Final = frozenset(
    {OfferStatus.ACCEPTED, OfferStatus.REJECTED, OfferStatus.WITHDRAWN}
)

SELLER_KINDS: Final = frozenset({"seller", "trader"})
BUYER_KINDS: Final = frozenset({"buyer", "trader"})

CERTIFICATES: Final = ("BCI", "Organic", "NPOP", "Fairtrade", "GOTS")
_CERTIFICATE_KEYS: Final = {re.sub(r"[\s\-_]", "", c).casefold(): c for c in CERTIFICATES}


def may_act_as(side: Side, partner_kind: str) -> bool:
    """Sellers and traders sell; buyers and traders buy."""
    return partner_kind in (SELLER_KINDS if side is Side.SELLER else BUYER_KINDS)


def is_past(valid_until: datetime, now: datetime) -> bool:
    """Validity ends at ``valid_until``: from that instant on the thing is expired."""
    return valid_until <= now


# --- requirements ----------------------------------------------------------------------------


def requirement_after_offer(status: RequirementStatus) -> RequirementStatus:
    """A first offer moves an open requirement on; later ones change nothing."""
    return RequirementStatus.OFFERS_RECEIVED if status is RequirementStatus.OPEN else status


def requirement_after_counter(status: RequirementStatus) -> RequirementStatus:
    return RequirementStatus.NEGOTIATION if status in ACTIVE_REQUIREMENT else status


def requirement_after_accept(
    status: RequirementStatus, *, asked_bales: int, contracted_bales: int
) -> RequirementStatus:
    """Fulfilled once the accepted offers cover the bales asked; until then it stays open for
    the rest (split quantity across several offers, domain.md §4.5)."""
    if contracted_bales >= asked_bales:
        return RequirementStatus.CONTRACT_CREATED
    return status


def may_cancel_requirement(status: RequirementStatus) -> bool:
    return status in ACTIVE_REQUIREMENT


# --- negotiation -----------------------------------------------------------------------------


class Refusal(StrEnum):
    """Why an offer cannot be acted on now (the service maps each to its HTTP problem)."""

    EXPIRED = "expired"  # 410
    DECIDED = "decided"  # 409
    NOT_YOUR_TURN = "not_your_turn"  # 409


def refusal(
    status: OfferStatus, valid_until: datetime, now: datetime, *, last_side: Side, side: Side
) -> Refusal | None:
    """Why ``side`` may not counter or accept the offer now, or None when it may.

    An offer expires at ``valid_until`` even before the expiry job marks it; sides alternate,
    so the side that made the latest proposal waits for the other.
    """
    if status is OfferStatus.EXPIRED:
        return Refusal.EXPIRED
    if status in DECIDED_OFFER:
        return Refusal.DECIDED
    if is_past(valid_until, now):
        return Refusal.EXPIRED
    if side is last_side:
        return Refusal.NOT_YOUR_TURN
    return None


def rejection_refusal(status: OfferStatus, valid_until: datetime, now: datetime) -> Refusal | None:
    """Either side may reject an open offer at any turn (saying no needs no turn)."""
    if status is OfferStatus.EXPIRED:
        return Refusal.EXPIRED
    if status in DECIDED_OFFER:
        return Refusal.DECIDED
    if is_past(valid_until, now):
        return Refusal.EXPIRED
    return None


# --- validation ------------------------------------------------------------------------------

Loc = list[str]
Problem = tuple[Loc, str, str]  # (loc below the body, message, code)


def payment_problems(terms: str | None, days: int | None) -> list[Problem]:
    """``payment_days`` is required (> 0) for credit and otherwise 0 or null."""
    if terms == PaymentTerms.CREDIT:
        if days is None or days <= 0:
            return [(["payment_days"], "credit needs payment_days above 0", "payment_days")]
        return []
    if days not in (None, 0):
        return [(["payment_days"], "payment_days is only for credit (0 or null)", "payment_days")]
    return []


def canonical_certificates(given: list[str]) -> tuple[list[str], list[Problem]]:
    """Certificates by their canonical names (``fair trade`` → ``Fairtrade``), each once."""
    found: list[str] = []
    problems: list[Problem] = []
    for index, name in enumerate(given):
        canonical = _CERTIFICATE_KEYS.get(re.sub(r"[\s\-_]", "", name).casefold())
        if canonical is None:
            problems.append(
                (
                    ["certificates", str(index)],
                    f"{name!r} is not one of {', '.join(CERTIFICATES)}",
                    "certificate_unknown",
                )
            )
        elif canonical not in found:
            found.append(canonical)
    return found, problems


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


Bounds = Mapping[str, tuple[Decimal, Decimal]]


def band_problems(
    bands: Mapping[str, Mapping[str, Decimal | None]], bounds: Bounds
) -> list[Problem]:
    """Each asked range within its parameter's bounds (loc ``parameters.<name>.<min|max>``)."""
    problems: list[Problem] = []
    for name, band in bands.items():
        if name not in bounds:
            problems.append(
                (["parameters", name], f"{name} is not a parameter of this commodity", "unknown")
            )
            continue
        low, high = bounds[name]
        for end in ("min", "max"):
            value = band.get(end)
            if value is not None and not low <= value <= high:
                problems.append(
                    (
                        ["parameters", name, end],
                        f"{name} {end} {_plain(value)} is outside {_plain(low)}..{_plain(high)}",
                        "out_of_bounds",
                    )
                )
    return problems


def value_problems(values: Mapping[str, Decimal], bounds: Bounds) -> list[Problem]:
    """Each measured value within its parameter's bounds (loc ``parameters.<name>``)."""
    problems: list[Problem] = []
    for name, value in values.items():
        if name not in bounds:
            problems.append(
                (["parameters", name], f"{name} is not a parameter of this commodity", "unknown")
            )
            continue
        low, high = bounds[name]
        if not low <= value <= high:
            problems.append(
                (
                    ["parameters", name],
                    f"{name} {_plain(value)} is outside {_plain(low)}..{_plain(high)}",
                    "out_of_bounds",
                )
            )
    return problems


def stored_bands(bands: Mapping[str, Mapping[str, Decimal | None]]) -> dict[str, Any]:
    return {
        name: {end: None if band.get(end) is None else _plain(band[end]) for end in ("min", "max")}  # type: ignore[arg-type]
        for name, band in sorted(bands.items())
    }


def stored_values(values: Mapping[str, Decimal]) -> dict[str, str]:
    return {name: _plain(value) for name, value in sorted(values.items())}


def loaded_bands(stored: Mapping[str, Any]) -> dict[str, dict[str, Decimal | None]]:
    return {
        name: {end: None if band.get(end) is None else Decimal(band[end]) for end in ("min", "max")}
        for name, band in stored.items()
    }


def loaded_values(stored: Mapping[str, Any]) -> dict[str, Decimal]:
    return {name: Decimal(value) for name, value in stored.items()}


# --- the draft contract of an accepted offer -------------------------------------------------

# Words that name a payment term in the masters (name keys are casefolded names).
PAYMENT_TERM_WORDS: Final[Mapping[str, tuple[str, ...]]] = {
    PaymentTerms.ADVANCE: ("advance",),
    PaymentTerms.AGAINST_DELIVERY: ("against delivery", "against_delivery", "delivery"),
    PaymentTerms.CREDIT: ("credit",),
}


def term_rank(
    name_key: str, days: int | None, *, words: tuple[str, ...], wanted_days: int
) -> tuple[int, int, int, str]:
    """How well a master term fits what was agreed; the smallest rank is chosen: a term named
    like the agreed kind first, then the nearest number of days, then fewer days, then name."""
    named = 0 if any(word in name_key for word in words) else 1
    term_days = days or 0
    return (named, abs(term_days - wanted_days), term_days, name_key)
