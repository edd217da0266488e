"""The permission vocabulary and what each built-in role holds.

Permissions are ``resource:action`` strings. Routes declare the one they need with
``require(...)``; roles are sets of permissions. A new module adds its permissions here and
grants them to the built-in roles, so the route × role matrix test knows about them.
"""

from __future__ import annotations

from enum import StrEnum


class BuiltinRole(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    SALES = "sales"
    ACCOUNTS = "accounts"
    DISPUTE_MANAGER = "dispute_manager"
    PARTNER = "partner"


PERMISSIONS: dict[str, str] = {
    "user:read": "See user accounts",
    "user:write": "Create, change and deactivate user accounts",
    "role:read": "See roles and permissions",
    "role:write": "Create and change roles",
    "audit:read": "Read the audit log",
    "notification:read": "See queued and sent e-mails and SMS",
    "job:read": "See scheduled jobs and their runs",
    "job:run": "Run a scheduled job now",
    "subuser:invite": "Invite colleagues to the partner portal",
    "master:read": "See masters: states, stations, commodities, terms",
    "master:write": "Create and change masters",
    "organization:read": "See organizations and their branches",
    "organization:write": "Create and change organizations and branches",
    "financial_year:read": "See financial years",
    "financial_year:write": "Create, activate and close financial years",
    "partner:read": "See business partners, their branches, KYC and certifications",
    "partner:write": "Create and change business partners; raise change requests",
    "partner:approve": "Approve or reject partners and their change requests (maker-checker)",
    "partner:import": "Bulk-import partners and stations from CSV or XLSX",
    "approval:read": "See approval requests",
    "document:read": "Download documents of what the caller can see",
    "document:write": "Upload documents to what the caller can see",
    "contract:read": "See sales contracts (a partner's users: only their own)",
    "contract:write": "Create, submit, amend and cancel sales contracts",
    "contract:approve": "Approve or reject sales contracts (maker-checker)",
    "invoice:read": "See goods invoices (a partner's users: only their own)",
    "invoice:write": "Record goods invoices",
    "payment:read": "See payments and their allocations (a partner's users: only their own)",
    "payment:write": "Record and reverse payments",
    "brokerage:read": "See brokerage bills (a partner's users: only those billed to them)",
    "brokerage:write": "Raise brokerage bills",
    "delivery:read": "See delivery orders (a partner's users: those of their own contracts)",
    "delivery:write": "Schedule, dispatch, deliver and cancel delivery orders",
    "trade_desk:read": "Use the trade desk: parse chat messages into drafts (every built-in role)",
    "trade_desk:write": "Post requirements, offers, tested lots; counter, accept, reject offers",
    "ledger:read": "See party ledgers (a partner's users: only their own partner's)",
    "ledger:report": "See the outstanding (ageing) report of all partners",
    "dispute:read": "See disputes and comments (a partner's users: their own, external only)",
    "dispute:write": "Raise disputes, comment on them and withdraw one's own",
    "dispute:resolve": "Review, resolve, close and reopen disputes",
}

_ALL = frozenset(PERMISSIONS)

BUILTIN_ROLE_PERMISSIONS: dict[BuiltinRole, frozenset[str]] = {
    BuiltinRole.ADMIN: _ALL,
    BuiltinRole.MANAGER: frozenset(
        {"user:read", "role:read", "audit:read", "notification:read"}
        | {"delivery:read", "delivery:write"}
        | {"master:read", "master:write", "organization:read", "financial_year:read"}
        | {"partner:read", "partner:write", "partner:approve", "partner:import"}
        | {"approval:read", "document:read", "document:write"}
        | {"contract:read", "contract:write", "contract:approve"}
        | {"invoice:read", "invoice:write", "payment:read", "payment:write"}
        | {"brokerage:read", "brokerage:write"}
        | {"dispute:read", "dispute:write", "dispute:resolve"}
        | {"ledger:read", "ledger:report"}
        | {"trade_desk:read", "trade_desk:write"}
    ),
    BuiltinRole.SALES: frozenset(
        {"master:read", "organization:read", "financial_year:read"}
        | {"delivery:read", "delivery:write"}
        | {"partner:read", "partner:write", "approval:read", "document:read", "document:write"}
        | {"contract:read", "contract:write", "invoice:read", "payment:read", "brokerage:read"}
        | {"dispute:read", "dispute:write"}
        | {"trade_desk:read", "trade_desk:write"}
    ),
    BuiltinRole.ACCOUNTS: frozenset(
        {"master:read", "organization:read", "financial_year:read", "financial_year:write"}
        | {"delivery:read"}
        | {"partner:read", "partner:approve", "approval:read", "document:read", "document:write"}
        | {"contract:read", "contract:approve"}
        | {"invoice:read", "invoice:write", "payment:read", "payment:write"}
        | {"brokerage:read", "brokerage:write"}
        | {"dispute:read"}
        | {"ledger:read", "ledger:report"}
        | {"trade_desk:read"}
    ),
    BuiltinRole.DISPUTE_MANAGER: frozenset(
        {"master:read", "organization:read", "financial_year:read"}
        | {"delivery:read"}
        | {"partner:read", "document:read", "document:write", "contract:read"}
        | {"invoice:read", "payment:read"}
        | {"dispute:read", "dispute:write", "dispute:resolve"}
        | {"trade_desk:read"}
    ),
    BuiltinRole.PARTNER: frozenset(
        {"subuser:invite", "master:read", "partner:read", "document:read", "document:write"}
        | {"delivery:read"}
        | {"contract:read", "invoice:read", "payment:read", "brokerage:read"}
        | {"dispute:read", "dispute:write"}
        | {"ledger:read"}
        | {"trade_desk:read", "trade_desk:write"}
    ),
}

BUILTIN_ROLE_DESCRIPTIONS: dict[BuiltinRole, str] = {
    BuiltinRole.ADMIN: "Everything, including users, roles and settings",
    BuiltinRole.MANAGER: "Approves partners, contracts and payments; reads the audit log",
    BuiltinRole.SALES: "Partners, contracts and the trade desk",
    BuiltinRole.ACCOUNTS: "Invoices, payments, brokerage bills and the ledger",
    BuiltinRole.DISPUTE_MANAGER: "Disputes and their resolution",
    BuiltinRole.PARTNER: "Portal user of one business partner: sees only its own dealings",
}
