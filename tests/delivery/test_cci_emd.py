"""EMD of CCI contracts: deposits, required EMD by buyer class, status, late interest, the DO
block (domain.md §3.6), and the CCI terms version in force on the contract date."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import World, confirmed_contract, create_contract
from tests.delivery.helpers import (
    DOS,
    cci_contract,
    cci_path,
    deposit,
    deposits_path,
    do_body,
)
from tests.partner.helpers import active_partner
from tradehub.audit.models import AuditEvent
from tradehub.financial_year.domain import INDIA
from tradehub.masters.models import CciTerms


@pytest.mark.parametrize(
    ("buyer_class", "pct", "required"),
    [
        ("kvic", "10", "2976000.00"),
        ("private_mill", "12.5", "3720000.00"),
        ("trader", "17.5", "5208000.00"),
    ],
)
async def test_required_emd_by_buyer_class(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    buyer_class: str,
    pct: str,
    required: str,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world, buyer_class=buyer_class)
    response = await client.get(
        cci_path(contract, "emd"), params={"as_of": "2026-10-03"}, headers=sales
    )
    assert response.status_code == 200, response.text
    emd = response.json()
    assert emd["cci_value"] == "29760000.00"  # 1000 × 0.48 × 62,000 (not api.md's 170/355.6)
    assert contract["contract_value"] != emd["cci_value"]
    assert (emd["buyer_class"], emd["buyer_class_source"], emd["emd_pct"]) == (
        buyer_class,
        "profile",
        pct,
    )
    assert (emd["required"], emd["received"], emd["shortfall"]) == (required, "0.00", required)
    assert (emd["status"], emd["do_blocked"], emd["grace_expiry"]) == (
        "not_paid",
        True,
        "2026-10-06",
    )
    assert emd["terms"] == {"id": None, "effective_from": None, "source": "default"}
    per_bale = (Decimal(required) / 1000).quantize(Decimal("0.01"))
    assert emd["per_bale"] == str(per_bale)


async def test_a_trader_buyer_pays_the_traders_emd_by_default(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    trader = await active_partner(client, sales, manager, kind="trader", state="27")
    contract = await cci_contract(
        client,
        admin,
        sales,
        manager,
        world,
        buyer_class=None,
        buyer_id=trader["id"],
        buyer_branch_id=trader["branches"][0]["id"],
    )
    emd = (await client.get(cci_path(contract, "emd"), headers=sales)).json()
    assert (emd["buyer_class"], emd["buyer_class_source"], emd["required"]) == (
        "trader",
        "partner_kind",
        "5208000.00",
    )


async def test_deposits_status_and_late_interest_over_time(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: dict[str, str],
    accounts: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world)
    first = await deposit(client, accounts, contract, "1000000", "2026-10-03")
    assert first.status_code == 201, first.text
    assert first.json()["amount"] == "1000000.00" and first.json()["date"] == "2026-10-03"
    second = await deposit(client, accounts, contract, "1976000.00", "2026-10-09")
    assert second.status_code == 201

    async def emd_on(day: str) -> dict[str, str]:
        response = await client.get(cci_path(contract, "emd"), params={"as_of": day}, headers=sales)
        assert response.status_code == 200, response.text
        result: dict[str, str] = response.json()
        return result

    on_time = await emd_on("2026-10-06")
    assert (on_time["status"], on_time["received"], on_time["shortfall"]) == (
        "partial",
        "1000000.00",
        "1976000.00",
    )
    assert (on_time["days_late"], on_time["late_interest"], on_time["do_blocked"]) == (
        0,
        "0.00",
        True,
    )
    short_and_late = await emd_on("2026-10-08")  # two days past grace, still short
    assert (short_and_late["days_late"], short_and_late["late_interest"]) == (2, "1630.68")
    full = await emd_on("2026-11-20")
    assert (full["status"], full["full_on"], full["days_late"]) == ("late_full", "2026-10-09", 3)
    # 2,976,000 × 10 % × 3 / 365 = 2,446.03; it stops growing once the EMD is full
    assert (full["late_interest"], full["late_interest_pct"], full["do_blocked"]) == (
        "2446.03",
        "10",
        False,
    )
    listed = (await client.get(deposits_path(contract), headers=sales)).json()
    assert [d["amount"] for d in listed["items"]] == ["1000000.00", "1976000.00"]
    assert listed["total"] == 2
    latest = (
        await client.get(deposits_path(contract), params={"sort": "-date"}, headers=sales)
    ).json()
    assert latest["items"][0]["date"] == "2026-10-09"
    audited = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "emd_deposit", AuditEvent.entity_id == first.json()["id"]
        )
    )
    assert audited is not None and audited.action == "create"
    assert Decimal(audited.changes["amount"]["new"]) == Decimal("1000000.00")


async def test_emd_paid_within_grace_is_full(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    accounts: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world)
    assert (await deposit(client, accounts, contract, "3000000", "2026-10-06")).status_code == 201
    emd = (
        await client.get(cci_path(contract, "emd"), params={"as_of": "2026-11-01"}, headers=sales)
    ).json()
    assert (emd["status"], emd["excess"], emd["shortfall"], emd["late_interest"]) == (
        "full",
        "24000.00",
        "0.00",
        "0.00",
    )


async def test_dos_are_refused_while_the_emd_is_short(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    accounts: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world)
    body = do_body(
        contract,
        bales=200,
        lifting_from="2026-10-10",
        lifting_to="2026-10-20",
        do_date="2026-10-10",
    )
    refused = await client.post(DOS, json=body, headers=sales)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "delivery_order.emd_short"
    assert (problem["emd_required"], problem["emd_received"], problem["emd_shortfall"]) == (
        "2976000.00",
        "0.00",
        "2976000.00",
    )
    assert "short 2976000.00" in problem["detail"]
    await deposit(client, accounts, contract, "2975999.99", "2026-10-02")
    one_paisa = await client.post(DOS, json=body, headers=sales)
    assert one_paisa.json()["code"] == "delivery_order.emd_short"
    assert one_paisa.json()["emd_shortfall"] == "0.01"
    # a deposit after the DO's date does not count for it
    await deposit(client, accounts, contract, "0.01", "2026-10-12")
    assert (await client.post(DOS, json=body, headers=sales)).status_code == 422
    allowed = await client.post(DOS, json={**body, "do_date": "2026-10-12"}, headers=sales)
    assert allowed.status_code == 201, allowed.text


async def test_non_cci_contracts_take_dos_without_emd(
    client: httpx.AsyncClient,
    accounts: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    assert (await client.post(DOS, json=do_body(contract), headers=sales)).status_code == 201
    refused = await deposit(client, accounts, contract, "100", "2026-11-28")
    assert (refused.status_code, refused.json()["code"]) == (409, "cci.not_cci_contract")
    listed = await client.get(deposits_path(contract), headers=sales)
    assert (listed.status_code, listed.json()["code"]) == (409, "cci.not_cci_contract")


async def test_deposit_refusals(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    accounts: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world)
    tomorrow = (datetime.now(UTC).astimezone(INDIA).date() + timedelta(days=1)).isoformat()
    cases = [
        ("2026-09-30", "100", 422, "emd_deposit.before_contract"),
        (tomorrow, "100", 422, "emd_deposit.future_date"),
        ("2026-10-02", "0", 422, "validation.invalid"),
        ("2026-10-02", "1.001", 422, "validation.invalid"),
    ]
    for on, amount, status, code in cases:
        response = await deposit(client, accounts, contract, amount, on)
        assert (response.status_code, response.json()["code"]) == (status, code), (on, amount)
    draft = await create_contract(
        client, sales, world, bales=1000, rate="62000", contract_date="2026-10-01"
    )
    not_confirmed = await deposit(client, accounts, draft, "100", "2026-10-02")
    assert (not_confirmed.status_code, not_confirmed.json()["code"]) == (
        409,
        "emd_deposit.contract_not_confirmed",
    )
    missing = await deposit(client, accounts, {"id": str(uuid.uuid4())}, "100", "2026-10-02")
    assert (missing.status_code, missing.json()["code"]) == (404, "contract.not_found")


async def test_the_terms_version_in_force_on_the_contract_date_applies(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: dict[str, str],
    accounts: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    # Versions cannot be back-dated through the API; these stand for ones published earlier.
    for start, grace, interest in ((date(2026, 4, 1), 7, "4"), (date(2026, 10, 2), 2, "6")):
        db.add(
            CciTerms(
                effective_from=start,
                contract_days=45,
                emd_days=grace,
                cash_discount_pct=Decimal(5),
                carrying_tier1_days=30,
                carrying_tier1_pct=Decimal("1.25"),
                carrying_tier2_days=0,
                carrying_tier2_pct=Decimal("1.35"),
                additional_deposit_pct=Decimal(10),
                deposit_interest_pct=Decimal(interest),
                free_lifting_days=21,
                late_lifting_tier1_days=30,
                late_lifting_tier1_pct=Decimal("0.5"),
                late_lifting_tier2_days=60,
                late_lifting_tier2_pct=Decimal("0.75"),
                late_lifting_tier3_pct=Decimal(1),
                note="",
            )
        )
    await db.flush()
    version = await db.scalar(select(CciTerms).where(CciTerms.effective_from == date(2026, 4, 1)))
    assert version is not None
    contract = await cci_contract(client, admin, sales, manager, world)  # dated 2026-10-01
    emd = (
        await client.get(cci_path(contract, "emd"), params={"as_of": "2026-10-08"}, headers=sales)
    ).json()
    assert emd["terms"] == {
        "id": str(version.id),
        "effective_from": "2026-04-01",
        "source": "master",
    }
    assert (emd["grace_expiry"], emd["days_late"], emd["late_interest"]) == (
        "2026-10-08",
        0,
        "0.00",
    )
    later = await confirmed_contract(
        client, sales, manager, world, bales=1000, rate="62000", contract_date="2026-10-05"
    )
    emd = (
        await client.get(cci_path(later, "emd"), params={"as_of": "2026-10-08"}, headers=sales)
    ).json()
    assert (emd["terms"]["effective_from"], emd["grace_expiry"], emd["days_late"]) == (
        "2026-10-02",
        "2026-10-07",
        1,
    )


async def test_an_emd_deposit_is_recorded_once_per_idempotency_key(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    accounts: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world)
    keyed = {**accounts, "Idempotency-Key": f"emd-{uuid.uuid4()}"}
    body = {"amount": "500000", "date": "2026-10-02", "reference": "UTR123"}
    first = await client.post(deposits_path(contract), json=body, headers=keyed)
    again = await client.post(deposits_path(contract), json=body, headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    emd = (await client.get(cci_path(contract, "emd"), headers=sales)).json()
    assert emd["received"] == "500000.00"
