"""The API routers of every module, mounted under ``/api/v1`` by ``create_app``.

Each module adds its router here; kit and ops routes are not listed.
"""

from __future__ import annotations

from fastapi import APIRouter

from tradehub.approval.router import router as approval_router
from tradehub.audit.router import router as audit_router
from tradehub.auth.invitations_router import invitation_accept_router, invitations_router
from tradehub.auth.otp_router import otp_router
from tradehub.auth.router import auth_router, users_router
from tradehub.brokerage.router import router as brokerage_router
from tradehub.contract.router import router as contract_router
from tradehub.delivery.cci_router import router as cci_router
from tradehub.delivery.router import router as delivery_router
from tradehub.dispute.router import router as dispute_router
from tradehub.document.router import router as document_router
from tradehub.financial_year.router import router as financial_year_router
from tradehub.geo.router import router as geo_router
from tradehub.imports.router import router as imports_router
from tradehub.invoice.adjustments_router import router as invoice_adjustments_router
from tradehub.invoice.router import router as invoice_router
from tradehub.jobs.router import router as jobs_router
from tradehub.ledger.router import router as ledger_router
from tradehub.masters.router import router as masters_router
from tradehub.masters.terms_router import router as trade_masters_router
from tradehub.notification.router import router as notification_router
from tradehub.numbering.router import router as numbering_router
from tradehub.organization.router import router as organization_router
from tradehub.partner.certifications_router import router as certifications_router
from tradehub.partner.change_requests_router import router as partner_change_requests_router
from tradehub.partner.kyc_router import router as kyc_router
from tradehub.partner.router import router as partner_router
from tradehub.payment.router import router as payment_router
from tradehub.trade_desk.dashboard_router import router as trade_dashboard_router
from tradehub.trade_desk.matching_router import router as trade_matches_router
from tradehub.trade_desk.offers_router import router as trade_offers_router
from tradehub.trade_desk.parse_router import router as trade_parse_router
from tradehub.trade_desk.requirements_router import router as trade_requirements_router
from tradehub.trade_desk.tested_lots_router import router as tested_lots_router


def api_routers() -> list[APIRouter]:
    return [
        auth_router,
        otp_router,
        users_router,
        invitations_router,
        invitation_accept_router,
        audit_router,
        notification_router,
        jobs_router,
        masters_router,
        trade_masters_router,
        geo_router,
        organization_router,
        financial_year_router,
        document_router,
        partner_router,
        imports_router,
        partner_change_requests_router,
        kyc_router,
        certifications_router,
        approval_router,
        numbering_router,
        contract_router,
        brokerage_router,
        invoice_router,
        invoice_adjustments_router,
        payment_router,
        delivery_router,
        cci_router,
        ledger_router,
        dispute_router,
        trade_parse_router,
        trade_requirements_router,
        trade_matches_router,
        trade_offers_router,
        tested_lots_router,
        trade_dashboard_router,
    ]
