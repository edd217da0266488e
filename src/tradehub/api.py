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
from tradehub.document.router import router as document_router
from tradehub.financial_year.router import router as financial_year_router
from tradehub.geo.router import router as geo_router
from tradehub.imports.router import router as imports_router
from tradehub.invoice.router import router as invoice_router
from tradehub.jobs.router import router as jobs_router
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
        payment_router,
    ]
