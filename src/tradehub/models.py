"""Every ORM model, imported in one place so Alembic and the tests see the whole schema."""

from tradehub.audit.models import AuditChainHead, AuditEvent
from tradehub.auth.models import (
    AuthSession,
    Invitation,
    OtpCode,
    PasswordHistory,
    PasswordResetToken,
    Role,
    RolePermission,
    User,
    UserBranch,
    UserRole,
)
from tradehub.jobs.models import JobRun
from tradehub.kit.db import Base
from tradehub.kit.idempotency import IdempotencyRecord
from tradehub.kit.outbox import OutboxMessage

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "AuthSession",
    "Base",
    "IdempotencyRecord",
    "Invitation",
    "JobRun",
    "OtpCode",
    "OutboxMessage",
    "PasswordHistory",
    "PasswordResetToken",
    "Role",
    "RolePermission",
    "User",
    "UserBranch",
    "UserRole",
]
