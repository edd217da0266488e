"""Partner certifications through HTTP: adding with date, document and uniqueness checks,
maker-checker verification and rejection, edits, the derived ``expired`` status, the staff
list and its filters, visibility, and what the trade desk will trust."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignedIn, SignIn
from tests.conftest import QueryCounter
from tests.partner.helpers import PARTNERS, active_partner
from tests.partner.test_kyc import put_documents
from tradehub.audit.models import AuditEvent
from tradehub.kit.types import utcnow
from tradehub.partner.certifications_service import verified_certification_kinds
from tradehub.partner.models import Certification

CERTIFICATIONS = "/api/v1/certifications"
APPROVALS = "/api/v1/approval-requests"


def body(**overrides: Any) -> dict[str, Any]:
    today = utcnow().date()
    values: dict[str, Any] = {
        "kind": "organic_cotton",
        "number": f"CU-{uuid.uuid4().hex[:8].upper()}",
        "issuing_body": "Control Union Certifications",
        "products_scope": "Raw cotton, lint",
        "issued_on": (today - timedelta(days=100)).isoformat(),
        "expires_on": (today + timedelta(days=200)).isoformat(),
    }
    values.update(overrides)
    return values


def of(partner: dict[str, Any]) -> str:
    return f"{PARTNERS}/{partner['id']}/certifications"


def url(certification: dict[str, Any], action: str = "") -> str:
    return f"{CERTIFICATIONS}/{certification['id']}" + (f"/{action}" if action else "")


@pytest.fixture
async def sales(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["sales"])).headers


@pytest.fixture
async def manager(sign_in: SignIn) -> SignedIn:
    return await sign_in(roles=["manager"])


@pytest.fixture
async def checker(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["accounts"])).headers


@pytest.fixture
async def partner(
    client: httpx.AsyncClient, sales: dict[str, str], manager: SignedIn
) -> dict[str, Any]:
    return await active_partner(client, sales, manager.headers)


async def add(
    client: httpx.AsyncClient, partner: dict[str, Any], headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(of(partner), json=body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_adding_answers_a_pending_certification_awaiting_review(
    client: httpx.AsyncClient, db: AsyncSession, partner: dict[str, Any], sales: dict[str, str]
) -> None:
    sent = body(number="  CU 820431  ")
    response = await client.post(of(partner), json=sent, headers=sales)
    assert response.status_code == 201, response.text
    certification = response.json()
    assert certification["partner_id"] == partner["id"]
    assert (certification["status"], certification["review_status"]) == ("pending", "pending")
    assert certification["kind"] == "organic_cotton" and certification["number"] == "CU 820431"
    assert certification["days_to_expiry"] == 200
    assert certification["is_visible_in_trade"] is True
    assert certification["verified_by_id"] is None
    assert response.headers["etag"] == f'"{certification["version"]}"'
    fetched = await client.get(url(certification), headers=sales)
    assert fetched.status_code == 200 and fetched.json() == certification
    listed = await client.get(of(partner), headers=sales)
    assert listed.json() == [certification]
    approvals = await client.get(
        APPROVALS,
        params={"entity_type": "certification", "entity_id": certification["id"]},
        headers=sales,
    )
    [request] = approvals.json()["items"]
    assert (request["status"], request["action"]) == ("pending", "partner.certification")
    assert "CU 820431" in request["summary"]
    [event] = (
        await db.scalars(select(AuditEvent).where(AuditEvent.entity_id == certification["id"]))
    ).all()
    assert (event.entity_type, event.action) == ("certification", "create")
    assert event.changes["number"] == {"old": None, "new": "CU 820431"}


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"expires_on": "2020-01-01", "issued_on": "2019-01-01"}, "expires_on", "invalid_dates"),
        ({"issued_on": "2030-01-01", "expires_on": "2031-01-01"}, "issued_on", "invalid_dates"),
        ({"issued_on": None}, None, None),
        ({"kind": "ORGANIC"}, "kind", None),
        ({"number": "   "}, "number", None),
        ({"document_id": str(uuid.uuid4())}, "document_id", "document_not_found"),
    ],
)
async def test_bad_fields_are_a_422_naming_the_field(
    client: httpx.AsyncClient,
    partner: dict[str, Any],
    sales: dict[str, str],
    overrides: dict[str, Any],
    field: str | None,
    code: str | None,
) -> None:
    response = await client.post(of(partner), json=body(**overrides), headers=sales)
    if field is None:
        assert response.status_code == 201, response.text
        return
    assert response.status_code == 422, response.text
    problem = response.json()
    assert ["body", field] in [error["loc"] for error in problem["errors"]]
    if code is not None:
        assert problem["code"] == f"certification.{code}"


async def test_expiry_must_follow_issue(
    client: httpx.AsyncClient, partner: dict[str, Any], sales: dict[str, str]
) -> None:
    today = utcnow().date().isoformat()
    same_day = await client.post(
        of(partner), json=body(issued_on=today, expires_on=today), headers=sales
    )
    assert same_day.status_code == 422
    assert same_day.json()["errors"][0]["loc"] == ["body", "expires_on"]


async def test_a_kind_and_number_are_unique_per_partner(
    client: httpx.AsyncClient,
    partner: dict[str, Any],
    sales: dict[str, str],
    manager: SignedIn,
) -> None:
    first = await add(client, partner, sales, kind="gots", number="G-100")
    again = await client.post(of(partner), json=body(kind="gots", number="G-100"), headers=sales)
    assert again.status_code == 409 and again.json()["code"] == "certification.duplicate"
    await add(client, partner, sales, kind="ocs", number="G-100")
    other = await active_partner(client, sales, manager.headers)
    await add(client, other, sales, kind="gots", number="G-100")
    second = await add(client, partner, sales, kind="gots", number="G-101")
    clash = await client.patch(url(second), json={"number": "G-100"}, headers=sales)
    assert clash.status_code == 409 and clash.json()["code"] == "certification.duplicate"
    assert (await client.get(url(first), headers=sales)).json()["number"] == "G-100"


async def test_the_scan_must_be_a_live_document_of_the_same_partner(
    client: httpx.AsyncClient,
    db: AsyncSession,
    partner: dict[str, Any],
    sales: dict[str, str],
    manager: SignedIn,
) -> None:
    other = await active_partner(client, sales, manager.headers)
    [own] = await put_documents(db, partner["id"], "gots_certificate")
    [foreign] = await put_documents(db, other["id"], "gots_certificate")
    [deleted] = await put_documents(db, partner["id"], "gots_certificate", deleted=True)
    for document_id in (foreign, deleted):
        refused = await client.post(
            of(partner), json=body(document_id=str(document_id)), headers=sales
        )
        assert refused.status_code == 422
        assert refused.json()["code"] == "certification.document_not_found"
    added = await add(client, partner, sales, document_id=str(own))
    assert added["document_id"] == str(own)


async def test_the_maker_may_not_verify_and_another_user_may(
    client: httpx.AsyncClient,
    db: AsyncSession,
    partner: dict[str, Any],
    manager: SignedIn,
    checker: dict[str, str],
) -> None:
    certification = await add(client, partner, manager.headers)
    own = await client.post(url(certification, "verify"), headers=manager.headers)
    assert own.status_code == 403 and own.json()["code"] == "approval.self_approval"
    stale = await client.post(url(certification, "verify"), headers={**checker, "If-Match": '"99"'})
    assert stale.status_code == 412
    verified = await client.post(
        url(certification, "verify"),
        headers={**checker, "If-Match": f'"{certification["version"]}"'},
    )
    assert verified.status_code == 200, verified.text
    done = verified.json()
    assert (done["status"], done["review_status"]) == ("verified", "verified")
    assert done["verified_by_id"] is not None and done["verified_at"] is not None
    again = await client.post(url(certification, "verify"), headers=checker)
    assert again.status_code == 409 and again.json()["code"] == "certification.not_pending"
    frozen = await client.patch(url(certification), json={"number": "X"}, headers=manager.headers)
    assert frozen.status_code == 409 and frozen.json()["code"] == "certification.not_editable"
    reject = await client.post(url(certification, "reject"), json={"reason": "x"}, headers=checker)
    assert reject.status_code == 409
    actions = (
        await db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_id == certification["id"])
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert actions == ["create", "verify"]


async def test_rejected_then_corrected_goes_back_to_review_and_editors_become_makers(
    client: httpx.AsyncClient,
    partner: dict[str, Any],
    sales: dict[str, str],
    manager: SignedIn,
    checker: dict[str, str],
    sign_in: SignIn,
) -> None:
    certification = await add(client, partner, manager.headers)
    missing_reason = await client.post(url(certification, "reject"), json={}, headers=checker)
    assert missing_reason.status_code == 422
    rejected = await client.post(
        url(certification, "reject"), json={"reason": "Scope does not list lint"}, headers=checker
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["status_reason"] == "Scope does not list lint"
    assert (await client.post(url(certification, "verify"), headers=checker)).status_code == 409
    stale = await client.patch(
        url(certification),
        json={"products_scope": "Raw cotton, lint, yarn"},
        headers={**sales, "If-Match": f'"{certification["version"]}"'},
    )
    assert stale.status_code == 412
    corrected = await client.patch(
        url(certification),
        json={"products_scope": "Raw cotton, lint, yarn"},
        headers={**sales, "If-Match": rejected.headers["etag"]},
    )
    assert corrected.status_code == 200, corrected.text
    fixed = corrected.json()
    assert (fixed["status"], fixed["status_reason"]) == ("pending", None)
    assert fixed["products_scope"] == "Raw cotton, lint, yarn"
    requests = (
        await client.get(
            APPROVALS,
            params={"entity_type": "certification", "entity_id": certification["id"]},
            headers=sales,
        )
    ).json()["items"]
    assert sorted(r["status"] for r in requests) == ["pending", "rejected"]
    [pending] = [r for r in requests if r["status"] == "pending"]
    assert len(pending["maker_ids"]) == 2, "the adder and the editor"
    # Another manager edits it: now one of its makers, it may not verify its own edit.
    editor = (await sign_in(roles=["manager"])).headers
    edited = await client.patch(url(certification), json={"number": "CU-9"}, headers=editor)
    assert edited.status_code == 200, edited.text
    own_edit = await client.post(url(certification, "verify"), headers=editor)
    assert own_edit.status_code == 403 and own_edit.json()["code"] == "approval.self_approval"
    adder = await client.post(url(certification, "verify"), headers=manager.headers)
    assert adder.status_code == 403
    verified = await client.post(url(certification, "verify"), headers=checker)
    assert verified.status_code == 200 and verified.json()["number"] == "CU-9"
    assert (await client.get(url(certification), headers=sales)).json()["status"] == "verified"
    requests = (
        await client.get(
            APPROVALS,
            params={"entity_type": "certification", "entity_id": certification["id"]},
            headers=sales,
        )
    ).json()["items"]
    assert sorted(r["status"] for r in requests) == ["approved", "cancelled", "rejected"]


async def test_expired_is_derived_from_the_date(
    client: httpx.AsyncClient,
    db: AsyncSession,
    partner: dict[str, Any],
    sales: dict[str, str],
    checker: dict[str, str],
) -> None:
    verified = await add(client, partner, sales)
    assert (await client.post(url(verified, "verify"), headers=checker)).status_code == 200
    pending = await add(client, partner, sales)
    yesterday = utcnow().date() - timedelta(days=1)
    await db.execute(
        update(Certification)
        .where(Certification.id.in_([uuid.UUID(verified["id"]), uuid.UUID(pending["id"])]))
        .values(expires_on=yesterday)
    )
    read = (await client.get(url(verified), headers=sales)).json()
    assert (read["status"], read["review_status"], read["days_to_expiry"]) == (
        "expired",
        "verified",
        -1,
    )
    late = await client.post(url(pending, "verify"), headers=checker)
    assert late.status_code == 409 and late.json()["code"] == "certification.expired"
    statuses = {
        status: {
            c["id"]
            for c in (
                await client.get(
                    CERTIFICATIONS,
                    params={"partner_id": partner["id"], "status": status},
                    headers=sales,
                )
            ).json()["items"]
        }
        for status in ("expired", "verified", "pending")
    }
    assert statuses == {
        "expired": {verified["id"], pending["id"]},
        "verified": set(),
        "pending": set(),
    }


async def test_the_staff_list_filters_sorts_and_pages(
    client: httpx.AsyncClient,
    partner: dict[str, Any],
    sales: dict[str, str],
    manager: SignedIn,
    checker: dict[str, str],
    query_counter: QueryCounter,
) -> None:
    today = utcnow().date()
    other = await active_partner(client, sales, manager.headers)
    soon = await add(client, partner, sales, kind="bci", expires_on=str(today + timedelta(days=30)))
    later = await add(client, other, sales, kind="bci", expires_on=str(today + timedelta(days=89)))
    await add(client, other, sales, kind="gots", expires_on=str(today + timedelta(days=91)))
    await add(client, partner, sales, kind="bci", expires_on=str(today + timedelta(days=400)))
    await client.post(url(later, "verify"), headers=checker)
    mine = {partner["id"], other["id"]}

    async def ids(**params: Any) -> list[str]:
        response = await client.get(CERTIFICATIONS, params=params, headers=sales)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["items"] if c["partner_id"] in mine]

    assert await ids(expiring_within_days=90, kind="bci") == [soon["id"], later["id"]]
    assert await ids(expiring_within_days=90, kind="bci", status="verified") == [later["id"]]
    assert await ids(expiring_within_days=90, kind="bci", sort="-expires_on") == [
        later["id"],
        soon["id"],
    ]
    assert len(await ids(partner_id=other["id"])) == 2
    page = await client.get(
        CERTIFICATIONS, params={"partner_id": partner["id"], "limit": 1, "page": 2}, headers=sales
    )
    assert page.json()["total"] == 2 and len(page.json()["items"]) == 1
    for bad in ({"limit": 0}, {"sort": "number"}, {"status": "lost"}, {"expiring_within_days": -1}):
        assert (await client.get(CERTIFICATIONS, params=bad, headers=sales)).status_code == 422
    query_counter.reset()
    await client.get(CERTIFICATIONS, headers=sales)
    few = query_counter.count
    for _ in range(3):
        await add(client, other, sales)
    query_counter.reset()
    await client.get(CERTIFICATIONS, headers=sales)
    assert query_counter.count == few
    query_counter.reset()
    await client.get(of(other), headers=sales)
    few = query_counter.count
    await add(client, other, sales)
    query_counter.reset()
    await client.get(of(other), headers=sales)
    assert query_counter.count == few


async def test_a_portal_user_reads_only_its_own_and_writes_nothing(
    client: httpx.AsyncClient,
    partner: dict[str, Any],
    sales: dict[str, str],
    manager: SignedIn,
    sign_in: SignIn,
) -> None:
    other = await active_partner(client, sales, manager.headers)
    own_certification = await add(client, partner, sales)
    other_certification = await add(client, other, sales)
    portal = (await sign_in(roles=["partner"], partner_id=uuid.UUID(partner["id"]))).headers
    listed = (await client.get(CERTIFICATIONS, headers=portal)).json()
    assert [c["id"] for c in listed["items"]] == [own_certification["id"]]
    assert (await client.get(url(own_certification), headers=portal)).status_code == 200
    hidden = await client.get(url(other_certification), headers=portal)
    assert hidden.status_code == 404 and hidden.json()["code"] == "certification.not_found"
    assert (await client.get(of(other), headers=portal)).status_code == 404
    refused = await client.post(of(partner), json=body(), headers=portal)
    assert refused.status_code == 403
    patch = await client.patch(url(own_certification), json={"number": "X"}, headers=portal)
    assert patch.status_code == 403


async def test_the_trade_desk_trusts_verified_unexpired_visible_certifications(
    client: httpx.AsyncClient,
    db: AsyncSession,
    partner: dict[str, Any],
    sales: dict[str, str],
    manager: SignedIn,
    checker: dict[str, str],
) -> None:
    today = utcnow().date()
    other = await active_partner(client, sales, manager.headers)
    bci = await add(client, partner, sales, kind="bci", expires_on=str(today + timedelta(days=10)))
    hidden = await add(client, partner, sales, kind="gots", is_visible_in_trade=False)
    await add(client, partner, sales, kind="grs")  # pending: not trusted
    rejected = await add(client, partner, sales, kind="ocs")
    for certification in (bci, hidden):
        assert (await client.post(url(certification, "verify"), headers=checker)).status_code == 200
    await client.post(url(rejected, "reject"), json={"reason": "Forged"}, headers=checker)
    a, b = uuid.UUID(partner["id"]), uuid.UUID(other["id"])
    assert await verified_certification_kinds(db, [a, b], today) == {a: {"bci"}, b: set()}
    later = today + timedelta(days=11)
    assert await verified_certification_kinds(db, [a], later) == {a: set()}
    assert await verified_certification_kinds(db, [], today) == {}
    issued = date.fromisoformat(bci["issued_on"])
    assert await verified_certification_kinds(db, [a], issued - timedelta(days=1)) == {a: set()}
