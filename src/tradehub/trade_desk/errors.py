"""Problems of the trade desk (requirements, offers, negotiation, tested lots)."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, Forbidden, Gone, NotFound


class RequirementNotFound(NotFound):
    code = "requirement.not_found"


class OfferNotFound(NotFound):
    code = "offer.not_found"


class TestedLotNotFound(NotFound):
    __test__ = False  # not a pytest test class despite the name
    code = "tested_lot.not_found"


class RequirementExpired(Gone):
    code = "requirement.expired"


class RequirementClosed(Conflict):
    """Cancelled, or its bales are all contracted: it takes no more offers or negotiation."""

    code = "requirement.closed"


class OfferExpired(Gone):
    code = "offer.expired"


class OfferDecided(Conflict):
    code = "offer.decided"


class NotYourTurn(Conflict):
    code = "offer.not_your_turn"


class OfferDuplicate(Conflict):
    code = "offer.duplicate"


class OpenOfferNotNegotiable(Conflict):
    """An open offer names no buyer: a buyer answers it with a requirement first."""

    code = "offer.open_offer"


class NotYourSide(Forbidden):
    code = "offer.not_your_side"


class NotYourPartner(Forbidden):
    """A portal user names a partner other than its own as the buyer or seller."""

    code = "trade_desk.not_your_partner"


class InvalidTransition(Conflict):
    code = "requirement.invalid_transition"


class LotInsufficient(Conflict):
    code = "tested_lot.insufficient"
