"""Every ORM model, imported in one place so Alembic and the tests see the whole schema."""

from tradehub.approval.models import ApprovalRequest
from tradehub.audit.models import AuditArchive, AuditChainHead, AuditEvent
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
from tradehub.brokerage.models import BrokerageBill, BrokerageBillLine
from tradehub.contract.models import Contract, ContractCommission, ContractVersion
from tradehub.document.models import Document
from tradehub.financial_year.models import FinancialYear
from tradehub.geo.models import State, Station
from tradehub.invoice.models import Invoice
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
from tradehub.numbering.models import CancelledNumber, NumberSeries
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
from tradehub.payment.models import Payment, PaymentAllocation

__all__ = [
    "ApprovalRequest",
    "AuditArchive",
    "AuditChainHead",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Branch",
    "BrokerageBill",
    "BrokerageBillLine",
    "CancelledNumber",
    "CciTerms",
    "Certification",
    "CommissionStructure",
    "Commodity",
    "Contract",
    "ContractCommission",
    "ContractVersion",
    "Document",
    "FinancialYear",
    "GstRate",
    "IdempotencyRecord",
    "Invitation",
    "Invoice",
    "JobRun",
    "KycReminder",
    "KycVerification",
    "NumberSeries",
    "Organization",
    "OtpCode",
    "OutboxMessage",
    "Partner",
    "PartnerBranch",
    "PartnerChangeRequest",
    "PartnerVersion",
    "PasswordHistory",
    "PasswordResetToken",
    "Payment",
    "PaymentAllocation",
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
