"""Annual KYC through HTTP: status with required documents on file or missing, verification
(documents, dates, who may, which partners), the bucket summary and visibility."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import time_machine
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.partner.helpers import PARTNERS, active_partner, create_partner
from tradehub.audit.models import AuditEvent
from tradehub.document.models import Document
from tradehub.kit.types import utcnow
from tradehub.partner.domain import kyc_due_after
from tradehub.partner.models import Partner

SUMMARY = "/api/v1/kyc/summary"
SELLER_DOCUMENTS = ["pan", "cancelled_cheque", "gst_certificate"]


async def put_documents(
    db: AsyncSession, partner_id: str | uuid.UUID, *types: str, deleted: bool = False
) -> list[uuid.UUID]:
    """Document rows for a partner, as ``POST /documents`` leaves them (bytes are not needed:
    KYC reads only the metadata)."""
    partner_id = uuid.UUID(str(partner_id))
    uploader = await db.scalar(select(Partner.created_by_id).where(Partner.id == partner_id))
    assert uploader is not None
    ids = []
    for document_type in types:
        document_id = uuid.uuid4()
        db.add(
            Document(
                id=document_id,
                entity_type="partner",
                entity_id=partner_id,
                document_type=document_type,
                file_name=f"{document_type}.pdf",
                content_type="application/pdf",
                size=100,
                sha256="0" * 64,
                storage_key=f"documents/test/{document_id}",
                uploaded_by_id=uploader,
                deleted_at=utcnow() if deleted else None,
            )
        )
        ids.append(document_id)
    await db.flush()
    return ids


def kyc_url(partner: dict[str, Any]) -> str:
    return f"{PARTNERS}/{partner['id']}/kyc"


@pytest.fixture
async def sales(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["sales"])).headers


@pytest.fixture
async def manager(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["manager"])).headers


async def test_a_newly_approved_partner_is_current_with_its_onboarding_check(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str]
) -> None:
    partner = await active_partner(client, sales, manager, kind="seller")
    response = await client.get(kyc_url(partner), headers=sales)
    assert response.status_code == 200, response.text
    kyc = response.json()
    today = utcnow().date()
    due = kyc_due_after(today)
    assert kyc["kyc_verified_on"] == today.isoformat()
    assert kyc["kyc_due_date"] == due.isoformat()
    assert (kyc["bucket"], kyc["days_left"]) == ("current", (due - today).days)
    assert kyc["expires_on"] == (due + timedelta(days=30)).isoformat()
    assert kyc["required_documents"] == SELLER_DOCUMENTS
    assert kyc["documents_on_file"] == []
    assert kyc["missing_documents"] == SELLER_DOCUMENTS
    [onboarding] = kyc["history"]
    assert onboarding == kyc["last_verification"]
    assert onboarding["notes"] == "Onboarding approval"
    assert kyc["reminders"] == []
    assert response.headers["etag"] == f'"{kyc["version"]}"'


@pytest.mark.parametrize(
    ("kind", "gstin", "required"),
    [
        ("buyer", True, SELLER_DOCUMENTS),
        ("transporter", False, ["pan", "cancelled_cheque", "gst_declaration"]),
        ("transporter", True, SELLER_DOCUMENTS),
        ("broker", False, ["pan", "cancelled_cheque"]),
    ],
)
async def test_required_documents_follow_the_kind_and_gst_registration(
    client: httpx.AsyncClient, sales: dict[str, str], kind: str, gstin: bool, required: list[str]
) -> None:
    overrides: dict[str, Any] = {} if gstin else {"gstin": None, "branches": []}
    partner = await create_partner(client, sales, kind=kind, **overrides)
    kyc = (await client.get(kyc_url(partner), headers=sales)).json()
    assert kyc["required_documents"] == required
    assert (kyc["kyc_due_date"], kyc["bucket"], kyc["history"]) == (None, "not_done", [])


async def test_verify_refuses_while_required_documents_are_missing(
    client: httpx.AsyncClient, db: AsyncSession, sales: dict[str, str], manager: dict[str, str]
) -> None:
    partner = await active_partner(client, sales, manager)
    await put_documents(db, partner["id"], "pan", "trade_licence")
    await put_documents(db, partner["id"], "cancelled_cheque", deleted=True)
    response = await client.post(f"{kyc_url(partner)}/verify", json={}, headers=manager)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "kyc.documents_missing"
    assert problem["missing"] == ["cancelled_cheque", "gst_certificate"]
    assert [e["loc"] for e in problem["errors"]] == [
        ["documents", "cancelled_cheque"],
        ["documents", "gst_certificate"],
    ]
    kyc = (await client.get(kyc_url(partner), headers=sales)).json()
    assert kyc["documents_on_file"] == ["pan", "trade_licence"], "deleted ones do not count"
    assert kyc["missing_documents"] == ["cancelled_cheque", "gst_certificate"]
    assert len(kyc["history"]) == 1, "nothing was recorded"


async def test_verify_records_a_verification_and_moves_the_due_date(
    client: httpx.AsyncClient, db: AsyncSession, sign_in: SignIn
) -> None:
    start = utcnow()
    with time_machine.travel(start - timedelta(days=200), tick=False):
        sales = (await sign_in(roles=["sales"])).headers
        partner = await active_partner(client, sales, (await sign_in(roles=["manager"])).headers)
    await put_documents(db, partner["id"], *SELLER_DOCUMENTS)
    verified_on = start.date() - timedelta(days=3)
    with time_machine.travel(start, tick=False):
        sales = (await sign_in(roles=["sales"])).headers
        manager = (await sign_in(roles=["manager"])).headers
        current = await client.get(kyc_url(partner), headers=manager)
        response = await client.post(
            f"{kyc_url(partner)}/verify",
            json={"verified_on": verified_on.isoformat(), "notes": "Originals seen at Rajkot"},
            headers={**manager, "If-Match": current.headers["etag"]},
        )
    assert response.status_code == 200, response.text
    kyc = response.json()
    assert kyc["kyc_verified_on"] == verified_on.isoformat()
    assert kyc["kyc_due_date"] == kyc_due_after(verified_on).isoformat()
    assert kyc["partner_status"] == "active" and kyc["missing_documents"] == []
    latest, onboarding = kyc["history"]
    assert latest == kyc["last_verification"]
    assert latest["documents_checked"] == SELLER_DOCUMENTS, "the required ones by default"
    assert latest["notes"] == "Originals seen at Rajkot"
    assert latest["next_due_date"] == kyc["kyc_due_date"]
    assert onboarding["notes"] == "Onboarding approval"
    assert response.headers["etag"] == f'"{kyc["version"]}"'
    assert kyc["version"] > current.json()["version"]
    fetched = (await client.get(f"{PARTNERS}/{partner['id']}", headers=sales)).json()
    assert fetched["kyc_due_date"] == kyc["kyc_due_date"]
    [event] = (
        await db.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_id == partner["id"], AuditEvent.action == "verify_kyc"
            )
        )
    ).all()
    assert event.changes["kyc_due_date"]["new"] == kyc["kyc_due_date"]
    assert event.changes["documents_checked"]["new"] == SELLER_DOCUMENTS
    assert event.reason == "Originals seen at Rajkot"
    stale = await client.post(
        f"{kyc_url(partner)}/verify",
        json={},
        headers={**manager, "If-Match": current.headers["etag"]},
    )
    assert stale.status_code == 412 and stale.json()["code"] == "version.conflict"


async def test_documents_checked_are_recorded_as_given(
    client: httpx.AsyncClient, db: AsyncSession, sales: dict[str, str], manager: dict[str, str]
) -> None:
    partner = await active_partner(client, sales, manager)
    await put_documents(db, partner["id"], *SELLER_DOCUMENTS)
    response = await client.post(
        f"{kyc_url(partner)}/verify",
        json={"documents_checked": ["PAN", "Cancelled Cheque", "pan", "GST certificate"]},
        headers=manager,
    )
    assert response.status_code == 200, response.text
    assert response.json()["last_verification"]["documents_checked"] == SELLER_DOCUMENTS
    bad = await client.post(
        f"{kyc_url(partner)}/verify", json={"documents_checked": ["!!"]}, headers=manager
    )
    assert bad.status_code == 422


async def test_verification_dates_are_checked(
    client: httpx.AsyncClient, db: AsyncSession, sales: dict[str, str], manager: dict[str, str]
) -> None:
    partner = await active_partner(client, sales, manager)
    await put_documents(db, partner["id"], *SELLER_DOCUMENTS)
    today = utcnow().date()
    cases = [
        (today + timedelta(days=1), "kyc.future_date"),
        (today - timedelta(days=1), "kyc.before_last_verification"),
    ]
    for verified_on, code in cases:
        response = await client.post(
            f"{kyc_url(partner)}/verify",
            json={"verified_on": verified_on.isoformat()},
            headers=manager,
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == code
        assert response.json()["errors"][0]["loc"] == ["body", "verified_on"]


async def test_only_partners_approved_once_can_be_verified(
    client: httpx.AsyncClient, db: AsyncSession, sales: dict[str, str], manager: dict[str, str]
) -> None:
    draft = await create_partner(client, sales)
    await put_documents(db, draft["id"], *SELLER_DOCUMENTS)
    response = await client.post(f"{kyc_url(draft)}/verify", headers=manager)
    assert response.status_code == 409 and response.json()["code"] == "kyc.not_approved"
    suspended = await active_partner(client, sales, manager)
    await put_documents(db, suspended["id"], *SELLER_DOCUMENTS)
    done = await client.post(
        f"{PARTNERS}/{suspended['id']}/suspend", json={"reason": "Dispute"}, headers=manager
    )
    assert done.status_code == 200
    verified = await client.post(f"{kyc_url(suspended)}/verify", headers=manager)
    assert verified.status_code == 200, verified.text
    assert verified.json()["partner_status"] == "suspended", "KYC does not lift a suspension"


async def test_who_may_read_and_verify(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    manager: dict[str, str],
    sign_in: SignIn,
) -> None:
    own = await active_partner(client, sales, manager)
    other = await active_partner(client, sales, manager)
    await put_documents(db, own["id"], *SELLER_DOCUMENTS)
    portal = (await sign_in(roles=["partner"], partner_id=uuid.UUID(own["id"]))).headers
    assert (await client.get(kyc_url(own), headers=portal)).status_code == 200
    hidden = await client.get(kyc_url(other), headers=portal)
    assert hidden.status_code == 404 and hidden.json()["code"] == "partner.not_found"
    assert (await client.get(f"{PARTNERS}/{uuid.uuid4()}/kyc", headers=sales)).status_code == 404
    for headers in (portal, sales):
        refused = await client.post(f"{kyc_url(own)}/verify", headers=headers)
        assert refused.status_code == 403 and refused.json()["code"] == "auth.forbidden"
    accounts = (await sign_in(roles=["accounts"])).headers
    assert (await client.post(f"{kyc_url(own)}/verify", headers=accounts)).status_code == 200


async def _set_due(db: AsyncSession, partner: dict[str, Any], due: date | None) -> None:
    await db.execute(
        update(Partner).where(Partner.id == uuid.UUID(partner["id"])).values(kyc_due_date=due)
    )


async def test_the_summary_counts_partners_approved_once_by_bucket(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    manager: dict[str, str],
    sign_in: SignIn,
) -> None:
    today = utcnow().date()
    before = (await client.get(SUMMARY, headers=sales)).json()
    offsets = {"overdue": [-1, -40], "due_in_7": [0, 7], "due_in_30": [8, 30], "current": [31]}
    partners: dict[str, list[dict[str, Any]]] = {}
    for bucket, days in offsets.items():
        for offset in days:
            partner = await active_partner(client, sales, manager)
            await _set_due(db, partner, today + timedelta(days=offset))
            partners.setdefault(bucket, []).append(partner)
    await db.execute(
        update(Partner)
        .where(Partner.id == uuid.UUID(partners["overdue"][1]["id"]))
        .values(status="kyc_expired")
    )
    await create_partner(client, sales)  # a draft: not counted
    response = await client.get(SUMMARY, headers=sales)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["as_of"] == today.isoformat()
    for bucket, days in offsets.items():
        assert summary[bucket] - before[bucket] == len(days), bucket
    assert summary["total"] - before["total"] == 7
    assert summary["kyc_expired"] - before["kyc_expired"] == 1
    assert summary["not_done"] == before["not_done"]
    listed = await client.get(
        PARTNERS, params={"kyc_bucket": "due_in_7", "sort": "kyc_due_date"}, headers=sales
    )
    ids = [p["id"] for p in listed.json()["items"]]
    assert [p["id"] for p in partners["due_in_7"]] == [
        i for i in ids if i in {p["id"] for p in partners["due_in_7"]}
    ]
    portal_partner = partners["due_in_30"][0]
    portal = (await sign_in(roles=["partner"], partner_id=uuid.UUID(portal_partner["id"]))).headers
    own = (await client.get(SUMMARY, headers=portal)).json()
    assert (own["total"], own["due_in_30"], own["overdue"]) == (1, 1, 0)


async def test_the_status_and_summary_cost_a_fixed_number_of_queries(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    manager: dict[str, str],
    query_counter: Any,
) -> None:
    partner = await active_partner(client, sales, manager)
    query_counter.reset()
    await client.get(kyc_url(partner), headers=sales)
    one = query_counter.count
    await put_documents(db, partner["id"], *SELLER_DOCUMENTS)
    for _ in range(3):
        done = await client.post(f"{kyc_url(partner)}/verify", headers=manager)
        assert done.status_code == 200, done.text
    query_counter.reset()
    kyc = (await client.get(kyc_url(partner), headers=sales)).json()
    assert len(kyc["history"]) == 4
    assert query_counter.count == one
    query_counter.reset()
    await client.get(SUMMARY, headers=sales)
    first = query_counter.count
    await active_partner(client, sales, manager)
    query_counter.reset()
    await client.get(SUMMARY, headers=sales)
    assert query_counter.count == first
