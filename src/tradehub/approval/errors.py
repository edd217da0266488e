"""Problems of the approval mechanism."""

from __future__ import annotations

from tradehub.kit.errors import Conflict, Forbidden, NotFound


class SelfApproval(Forbidden):
    code = "approval.self_approval"


class ApprovalNotPending(Conflict):
    code = "approval.not_pending"


class ApprovalPending(Conflict):
    code = "approval.pending_exists"


class ApprovalNotFound(NotFound):
    code = "approval.not_found"
