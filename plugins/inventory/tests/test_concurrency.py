"""Concurrent movements never take stock below zero nor lose a receipt's cost (real server, real commits)."""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from platform_inventory.models import Product, StockLevel, StockMovement

API = "/api/inventory"


def arrange(live):
    """An admin of a business with inventory, a location and a tracked product, committed."""
    admin = live.factory.caller(role="admin")
    live.factory.enable_modules(admin.business, "inventory")
    live.commit()
    status, body = live.request("POST", "/api/locations", {"name": "Chiado"}, admin.headers)
    assert status == 201, body
    location_id = body["data"]["id"]
    status, body = live.request("POST", API + "/products", {"name": "Shampoo", "sku": "SH-1"}, admin.headers)
    assert status == 201, body
    return admin, location_id, body["data"]["id"]


def ledger_sums(session):
    sums = defaultdict(Decimal)
    for product_id, location_id, quantity in session.execute(
            select(StockMovement.product_id, StockMovement.location_id, StockMovement.quantity)):
        sums[product_id, location_id] += quantity
    return sums


def test_concurrent_usage_stops_at_zero_and_the_ledger_sums_to_the_level(live):
    admin, location_id, product_id = arrange(live)
    receipt = {"kind": "receipt", "product_id": product_id, "location_id": location_id, "quantity": "5"}
    assert live.request("POST", API + "/stock-movements", receipt, admin.headers)[0] == 201

    usage = {"kind": "usage", "product_id": product_id, "location_id": location_id, "quantity": "1"}
    use = lambda: live.request("POST", API + "/stock-movements", usage, admin.headers)  # noqa: E731
    results = live.concurrently([use] * 12)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 5 + [409] * 7, results
    assert all(body["code"] == "insufficient_stock" and "quantity" in body["errors"]
               for status, body in results if status == 409)

    live.session.expire_all()
    [level] = live.session.scalars(select(StockLevel)).all()
    assert level.quantity == 0
    assert ledger_sums(live.session) == {(level.product_id, level.location_id): Decimal("0")}


def test_concurrent_receipts_all_count_in_the_average_cost(live):
    admin, location_id, product_id = arrange(live)

    def receipt(cost):
        body = {"kind": "receipt", "product_id": product_id, "location_id": location_id, "quantity": "10",
                "unit_cost": cost}
        return lambda: live.request("POST", API + "/stock-movements", body, admin.headers)

    results = live.concurrently([receipt("4.00"), receipt("6.00")] * 4)
    assert [status for status, _ in results] == [201] * 8, results

    live.session.expire_all()
    product = live.session.scalar(select(Product))
    # 40 @ 4.00 and 40 @ 6.00 in whatever order: (160.00 + 240.00) / 80 = 5.00, give or take the
    # four-place rounding of each step; a receipt computed from a stale total would miss by far more.
    assert abs(product.average_cost - Decimal("5.00")) <= Decimal("0.001"), product.average_cost
    [level] = live.session.scalars(select(StockLevel)).all()
    assert level.quantity == 80 and ledger_sums(live.session)[level.product_id, level.location_id] == 80
