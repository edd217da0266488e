"""Every ORM model, imported in one place so Alembic and the tests see the whole schema."""

from tradehub.approval.models import ApprovalRequest
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
from tradehub.financial_year.models import FinancialYear
from tradehub.geo.models import State, Station
from tradehub.jobs.models import JobRun
from tradehub.kit.db import Base
from tradehub.kit.idempotency import IdempotencyRecord
from tradehub.kit.outbox import OutboxMessage
from tradehub.masters.models import (
    CciTerms,
    CommissionStructure,
    Commodity,
    GstRate,
    QualityParameter,
    TradeTerm,
    Variety,
    VarietyKey,
)
from tradehub.organization.models import Branch, Organization
from tradehub.partner.models import (
    Certification,
    KycReminder,
    KycVerification,
    Partner,
    PartnerBranch,
    PartnerChangeRequest,
    PartnerVersion,
)

__all__ = [
    "ApprovalRequest",
    "Certification",
    "KycReminder",
    "KycVerification",
    "Partner",
    "PartnerBranch",
    "PartnerChangeRequest",
    "PartnerVersion",
    "AuditChainHead",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Branch",
    "CciTerms",
    "CommissionStructure",
    "Commodity",
    "FinancialYear",
    "GstRate",
    "IdempotencyRecord",
    "Invitation",
    "JobRun",
    "Organization",
    "OtpCode",
    "OutboxMessage",
    "PasswordHistory",
    "PasswordResetToken",
    "QualityParameter",
    "Role",
    "RolePermission",
    "State",
    "Station",
    "TradeTerm",
    "User",
    "UserBranch",
    "UserRole",
    "Variety",
    "VarietyKey",
]
