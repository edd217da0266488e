"""Problems of the delivery module (delivery orders and CCI)."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, NotFound


class DeliveryOrderNotFound(NotFound):
    code = "delivery_order.not_found"


class InvalidTransition(Conflict):
    code = "delivery_order.invalid_transition"


class NotCciContract(Conflict):
    """A CCI figure or EMD deposit asked of a contract whose seller is not the CCI."""

    code = "cci.not_cci_contract"
