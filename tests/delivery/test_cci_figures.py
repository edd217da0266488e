"""CCI figures of a contract (domain.md §3.6): DO payment advice with the spec's own example,
carrying on the unlifted bales, late lifting (tier 2 a length), moisture with the /100."""

from __future__ import annotations

from typing import Any

import httpx

from tests.contract.helpers import World, confirmed_contract
from tests.delivery.helpers import DOS, cci_contract, cci_path, create_do, deposit


async def _paid_cci_contract(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    **overrides: Any,
) -> dict[str, Any]:
    contract = await cci_contract(client, admin, sales, manager, world, **overrides)
    paid = await deposit(client, manager, contract, "2976000", "2026-10-02")
    assert paid.status_code == 201, paid.text
    return contract


async def test_payment_advice_of_the_spec_example(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await _paid_cci_contract(client, admin, sales, manager, world)
    response = await client.get(
        cci_path(contract, "payment-advice"),
        params={"bales": 200, "payment_date": "2026-10-16"},
        headers=sales,
    )
    assert response.status_code == 200, response.text
    advice = response.json()
    # 1000 bales at ₹62,000, a 200-bale DO, 10 % EMD, carrying at 15 days (domain.md §3.6)
    expected = {
        "cci_value": "29760000.00",
        "emd_required": "2976000.00",
        "emd_received": "2976000.00",
        "emd_shortfall": "0.00",
        "blocked": False,
        "emd_per_bale": "2976.00",
        "do_value": "5952000.00",
        "do_gst": "297600.00",
        "emd_for_do": "595200.00",
        "after_emd": "5654400.00",
        "carrying_days": 15,
        "carrying": "33480.00",
        "carrying_gst": "1674.00",
        "carrying_per_bale": "167.40",
        "carrying_per_100_bales": "16740.00",
        "total": "5689554.00",
        "delivery_order_id": None,
        "do_bales": 200,
    }
    assert {k: advice[k] for k in expected} == expected
    # the same advice for the DO once issued; its lifting day is the default payment date
    order = await create_do(
        client,
        sales,
        contract,
        bales=200,
        lifting_from="2026-10-16",
        lifting_to="2026-10-25",
        do_date="2026-10-10",
    )
    per_do = await client.get(f"{DOS}/{order['id']}/payment-advice", headers=sales)
    assert per_do.status_code == 200, per_do.text
    assert per_do.json()["delivery_order_id"] == order["id"]
    assert per_do.json()["total"] == "5689554.00"
    later = await client.get(
        f"{DOS}/{order['id']}/payment-advice", params={"payment_date": "2026-11-15"}, headers=sales
    )
    # 45 days: 26,784 a bale × 200 × (1.25 % + 1.35 % × 15/30) = 1,03,118.40 + GST
    assert (later.json()["carrying_days"], later.json()["carrying"]) == (45, "103118.40")


async def test_advice_while_the_emd_is_short_is_blocked_but_computed(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world)
    await deposit(client, manager, contract, "1000000", "2026-10-02")
    advice = (
        await client.get(
            cci_path(contract, "payment-advice"),
            params={"bales": 200, "payment_date": "2026-10-16"},
            headers=sales,
        )
    ).json()
    assert (advice["blocked"], advice["emd_shortfall"], advice["total"]) == (
        True,
        "1976000.00",
        "5689554.00",
    )
    too_many = await client.get(
        cci_path(contract, "payment-advice"), params={"bales": 1001}, headers=sales
    )
    assert (too_many.status_code, too_many.json()["code"]) == (422, "cci.bales_exceed_contract")
    for bad in ({"bales": 0}, {}, {"bales": 10, "payment_date": "soon"}):
        response = await client.get(cci_path(contract, "payment-advice"), params=bad, headers=sales)
        assert (response.status_code, response.json()["code"]) == (422, "validation.invalid")


async def test_carrying_on_the_unlifted_bales(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await _paid_cci_contract(client, admin, sales, manager, world)
    whole = (
        await client.get(
            cci_path(contract, "carrying-charges"),
            params={"lifting_date": "2026-10-16"},
            headers=sales,
        )
    ).json()
    # nothing lifted: (29,760 − 2,976) × 1000 bales × 1.25 % × 15/30
    assert (whole["lifted_bales"], whole["unlifted_bales"], whole["base"]) == (
        0,
        1000,
        "26784000.00",
    )
    assert (whole["carrying"], whole["per_bale"], whole["informational"]) == (
        "167400.00",
        "167.40",
        False,
    )
    order = await create_do(
        client,
        sales,
        contract,
        bales=200,
        do_date="2026-10-10",
        lifting_from="2026-10-16",
        lifting_to="2026-10-20",
    )
    response = await client.get(
        cci_path(contract, "carrying-charges"), params={"lifting_date": "2026-10-16"}, headers=sales
    )
    assert response.status_code == 200, response.text
    figures = response.json()
    expected = {
        "days": 15,
        "lifted_bales": 200,
        "unlifted_bales": 800,
        "base": "21427200.00",  # (2,97,60,000 − 59,52,000) − 2,976 × 800
        "carrying": "133920.00",
        "gst": "6696.00",
        "total": "140616.00",
        "per_bale": "167.40",
        "per_100_bales": "16740.00",
        "informational": False,
    }
    assert {k: figures[k] for k in expected} == expected
    tiered = (
        await client.get(
            cci_path(contract, "carrying-charges"),
            params={"lifting_date": "2026-11-15"},
            headers=sales,
        )
    ).json()
    # 45 days: 30 at 1.25 % a month, then 15 at 1.35 %
    assert (tiered["days"], tiered["carrying"]) == (45, "412473.60")
    before = (
        await client.get(
            cci_path(contract, "carrying-charges"),
            params={"lifting_date": "2026-09-01"},
            headers=sales,
        )
    ).json()
    assert (before["days"], before["carrying"]) == (0, "0.00")
    # a cancelled DO's bales are unlifted again
    await client.post(f"{DOS}/{order['id']}/cancel", json={"reason": "x"}, headers=sales)
    again = (
        await client.get(
            cci_path(contract, "carrying-charges"),
            params={"lifting_date": "2026-10-16"},
            headers=sales,
        )
    ).json()
    assert (again["unlifted_bales"], again["carrying"]) == (1000, "167400.00")


async def test_carrying_is_informational_while_the_emd_is_short(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world)
    figures = (
        await client.get(
            cci_path(contract, "carrying-charges"),
            params={"lifting_date": "2026-10-16"},
            headers=sales,
        )
    ).json()
    assert (figures["informational"], figures["carrying"]) == (True, "167400.00")


async def test_late_lifting_after_the_free_days(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await _paid_cci_contract(client, admin, sales, manager, world)
    await create_do(
        client,
        sales,
        contract,
        bales=200,
        do_date="2026-10-10",
        lifting_from="2026-10-16",
        lifting_to="2026-10-20",
    )

    async def late(day: str) -> dict[str, Any]:
        response = await client.get(
            cci_path(contract, "late-lifting"), params={"lifting_date": day}, headers=sales
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    free = await late("2026-10-22")  # day 21: still free
    assert (free["days"], free["free_days"], free["days_late"], free["charge"]) == (
        21,
        21,
        0,
        "0.00",
    )
    # day 96 = 75 days late on the 800 unlifted bales (₹2,38,08,000): 30 days at 0.5 % and
    # 45 at 0.75 % a month (tier 2 is a length, Decision 7)
    figures = await late("2027-01-05")
    assert (figures["days"], figures["days_late"], figures["value"], figures["charge"]) == (
        96,
        75,
        "23808000.00",
        "386880.00",
    )
    beyond = await late("2027-02-19")  # 120 days late: 30 + 60 + 30 at 1 %
    assert beyond["charge"] == "714240.00"  # 3 % of 2,38,08,000


async def test_moisture_adjustment(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world)
    path = cci_path(contract, "moisture-adjustment")

    async def adjust(body: dict[str, Any]) -> dict[str, Any]:
        response = await client.post(path, json=body, headers=sales)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    discount = await adjust(
        {"moisture_pct": "10", "net_weight_kg": "5000", "rate": "17400", "rate_unit": "quintal"}
    )
    assert (discount["kind"], discount["amount"], discount["signed_amount"]) == (
        "discount",
        "8700.00",
        "-8700.00",
    )
    assert (discount["delta_pct"], discount["lower_pct"], discount["upper_pct"]) == ("1", "7", "9")
    premium = await adjust(
        {
            "samples": ["6.5", "6.4", "6.6"],
            "net_weight_kg": "5000",
            "rate": "17400",
            "rate_unit": "quintal",
        }
    )
    assert (premium["kind"], premium["average_pct"], premium["amount"]) == (
        "premium",
        "6.5",
        "4350.00",
    )
    inside = await adjust({"samples": ["7", "9"], "net_weight_kg": "5000"})
    assert (inside["kind"], inside["amount"]) == ("none", "0.00")
    # the contract's own rate by default: one candy at ₹62,000, a point over the band
    own = await adjust({"moisture_pct": "10", "net_weight_kg": "355.6"})
    assert (own["rate"], own["rate_unit"], own["amount"]) == ("62000", "candy", "620.00")
    thirds = await adjust({"samples": ["10", "10", "10.1"], "net_weight_kg": "355.6"})
    assert thirds["average_pct"] == "10.0333"  # shown to 4 places, computed exactly
    assert thirds["amount"] == "640.67"  # 1.0333… % of 62,000
    for bad in (
        {"net_weight_kg": "100"},
        {"moisture_pct": "10", "samples": ["10"], "net_weight_kg": "100"},
        {"moisture_pct": "10", "net_weight_kg": "100", "rate": "1"},
        {"moisture_pct": "101", "net_weight_kg": "100"},
        {"moisture_pct": "10", "net_weight_kg": "0"},
        {"samples": [], "net_weight_kg": "100"},
    ):
        response = await client.post(path, json=bad, headers=sales)
        assert (response.status_code, response.json()["code"]) == (422, "validation.invalid"), bad


async def test_a_rate_in_another_unit_is_converted_to_candy(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(
        client, admin, sales, manager, world, rate="17400", rate_unit="quintal"
    )
    emd = (await client.get(cci_path(contract, "emd"), headers=sales)).json()
    # ₹17,400 a quintal = ₹61,874.40 a candy (× 355.6 / 100); × 0.48 × 1000 bales
    assert (emd["rate_per_candy"], emd["cci_value"], emd["required"]) == (
        "61874.4",
        "29699712.00",
        "2969971.20",
    )


async def test_figures_of_a_non_cci_contract_are_409(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    order = await create_do(client, sales, contract)
    for path in (
        cci_path(contract, "emd"),
        cci_path(contract, "carrying-charges") + "?lifting_date=2026-12-01",
        cci_path(contract, "late-lifting") + "?lifting_date=2026-12-01",
        cci_path(contract, "payment-advice") + "?bales=10",
        f"{DOS}/{order['id']}/payment-advice",
    ):
        response = await client.get(path, headers=sales)
        assert (response.status_code, response.json()["code"]) == (409, "cci.not_cci_contract")
    moisture = await client.post(
        cci_path(contract, "moisture-adjustment"),
        json={"moisture_pct": "10", "net_weight_kg": "100"},
        headers=sales,
    )
    assert moisture.status_code == 409
    missing_date = await client.get(cci_path(contract, "carrying-charges"), headers=sales)
    assert missing_date.status_code == 422
