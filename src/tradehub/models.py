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
from tradehub.delivery.models import CciProfile, DeliveryOrder, EmdDeposit
from tradehub.dispute.models import Dispute, DisputeComment
from tradehub.document.models import Document
from tradehub.financial_year.models import FinancialYear
from tradehub.geo.models import State, Station
from tradehub.invoice.credit_notes_models import CreditNote
from tradehub.invoice.models import Invoice
from tradehub.jobs.models import JobRun
from tradehub.kit.db import Base
from tradehub.kit.idempotency import IdempotencyRecord
from tradehub.kit.outbox import OutboxMessage
from tradehub.ledger.models import LedgerDocument, LedgerEntry
from tradehub.masters.models import (
    CciTerms,
    Certificate,
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
from tradehub.trade_desk.models import Offer, OfferRound, Requirement, TestedLot

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
    "CciProfile",
    "CciTerms",
    "Certificate",
    "Certification",
    "CommissionStructure",
    "Commodity",
    "Contract",
    "ContractCommission",
    "ContractVersion",
    "CreditNote",
    "DeliveryOrder",
    "Dispute",
    "DisputeComment",
    "Document",
    "EmdDeposit",
    "FinancialYear",
    "GstRate",
    "IdempotencyRecord",
    "Invitation",
    "Invoice",
    "JobRun",
    "KycReminder",
    "KycVerification",
    "LedgerDocument",
    "LedgerEntry",
    "NumberSeries",
    "Offer",
    "OfferRound",
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
    "Requirement",
    "Role",
    "RolePermission",
    "State",
    "Station",
    "TestedLot",
    "TradeTerm",
    "User",
    "UserBranch",
    "UserRole",
    "Variety",
    "VarietyKey",
]
