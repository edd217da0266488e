"""Problems of the payment module."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, NotFound


class PaymentNotFound(NotFound):
    code = "payment.not_found"


class AlreadyReversed(Conflict):
    code = "payment.already_reversed"
