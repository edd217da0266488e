"""Problems of the contract module."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, NotFound


class ContractNotFound(NotFound):
    code = "contract.not_found"


class ContractVersionNotFound(NotFound):
    code = "contract.version_not_found"


class InvalidTransition(Conflict):
    code = "contract.invalid_transition"


class ContractDisputed(Conflict):
    """A contract action refused because a dispute is open on the contract."""

    code = "contract.disputed"
