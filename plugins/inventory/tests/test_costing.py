"""Weighted-average cost (per product, across locations) and the valuation of stock."""

from decimal import Decimal

import pytest

from platform_core.testing.assertions import assert_error


@pytest.fixture
def branches(shop):
    return shop.location("Avenidas Novas"), shop.location("Chiado")


def average(shop, product):
    return Decimal(shop.product_now(product)["average_cost"])


def test_receipts_move_the_weighted_average_cost(shop, branches):
    avenidas, chiado = branches
    product = shop.product(cost_price="3.00")
    assert average(shop, product) == Decimal("3.00")  # valued at cost price until the first receipt
    shop.receive(product, chiado, 10, "4.00")
    assert average(shop, product) == Decimal("4.00")  # nothing on hand before: the receipt's cost
    shop.receive(product, avenidas, 10, "6.00")
    # (10 × 4.00 + 10 × 6.00) / 20 = 100.00 / 20 = 5.00 — across both locations
    assert average(shop, product) == Decimal("5.00")
    shop.use(product, chiado, 5)
    assert average(shop, product) == Decimal("5.00")  # taking stock out does not change the average
    shop.receive(product, chiado, 5, "8.00")
    # (15 × 5.00 + 5 × 8.00) / 20 = (75.00 + 40.00) / 20 = 5.75
    assert average(shop, product) == Decimal("5.75")
    shop.receive(product, chiado, 3, "1.00")
    # (20 × 5.75 + 3 × 1.00) / 23 = 118.00 / 23 = 5.13043... kept to four places
    assert average(shop, product) == Decimal("5.1304")


def test_a_receipt_after_running_out_starts_the_average_again(shop, branches):
    _, chiado = branches
    product = shop.product()
    shop.receive(product, chiado, 2, "4.00")
    shop.use(product, chiado, 2)
    shop.receive(product, chiado, 1, "9.00")
    assert average(shop, product) == Decimal("9.00")


def test_a_receipt_without_a_cost_is_taken_at_the_cost_price(shop, branches):
    _, chiado = branches
    product = shop.product(cost_price="2.50")
    movement = shop.receive(product, chiado, 4)
    assert movement["unit_cost"] == "2.5000" and average(shop, product) == Decimal("2.50")


def test_receipts_leave_the_catalogue_audit_trail_alone(testapp, shop, branches):
    _, chiado = branches
    product = shop.product()
    shop.receive(product, chiado, 1, "9.00")
    after = shop.product_now(product)
    assert after["updated_at"] == product["updated_at"] and after["average_cost"] == "9.0000"


def test_valuation_per_location_and_in_total(shop, branches):
    avenidas, chiado = branches
    shampoo, oil = shop.product(), shop.product()
    shop.receive(shampoo, chiado, 10, "4.00")
    shop.receive(shampoo, avenidas, 10, "6.00")  # average 5.00
    shop.receive(oil, chiado, "2.5", "11.10")
    shop.use(shampoo, avenidas, 4)
    valuation = shop.get("/valuation")["data"]
    # Chiado: 10 × 5.00 + 2.5 × 11.10 = 50.00 + 27.75 = 77.75; Avenidas Novas: 6 × 5.00 = 30.00
    assert valuation["locations"] == [
        {"location_id": avenidas, "name": "Avenidas Novas", "value": "30.00"},
        {"location_id": chiado, "name": "Chiado", "value": "77.75"},
    ]
    assert valuation["total"] == "107.75"
    assert valuation["currency"] == shop.caller.business.currency


def test_valuation_rounds_each_location_to_the_cent(shop, branches):
    _, chiado = branches
    product = shop.product()
    shop.receive(product, chiado, 3, "1.00")
    shop.receive(product, chiado, 3, "1.01")  # average (3.00 + 3.03) / 6 = 1.005
    shop.use(product, chiado, 1)
    # 5 × 1.005 = 5.025 → 5.02 (half to even)
    assert shop.get("/valuation")["data"]["total"] == "5.02"


def test_valuation_is_of_the_business_only(shop, other_shop, branches):
    location, product = other_shop.location(), other_shop.product()
    other_shop.receive(product, location, 100, "10.00")
    assert shop.get("/valuation")["data"]["total"] == "0.00"
    assert other_shop.get("/valuation")["data"]["total"] == "1000.00"


def test_everyone_on_the_staff_sees_the_valuation(testapp, staff):
    for role in ("admin", "manager", "agent"):
        testapp.get("/api/inventory/valuation", headers=staff[role].headers)
    assert_error(testapp.get("/api/inventory/valuation", headers=staff["subscriber"].headers, status=403), 403,
                 "permission_denied")
