"""Low stock: the list, and the StockLow event published once per crossing of the reorder point."""

import uuid
from decimal import Decimal

import pytest


@pytest.fixture
def branches(shop):
    return shop.location("Chiado"), shop.location("Avenidas Novas")


def test_the_low_stock_list_compares_the_total_across_locations(shop, branches):
    chiado, avenidas = branches
    shampoo = shop.product(name="Shampoo", reorder_point="5", reorder_quantity="6")
    oil = shop.product(name="Oil", reorder_point="2")
    never = shop.product(name="Never stocked", reorder_point="1")
    shop.product(name="Unwatched")
    shop.product(name="Untracked", reorder_point="3", track_stock=False)
    shop.receive(shampoo, chiado, 3)
    shop.receive(shampoo, avenidas, 2)
    shop.receive(oil, chiado, 3)  # above its point: not low
    low = shop.get("/low-stock")["data"]
    assert [item["name"] for item in low] == ["Never stocked", "Shampoo"]
    shampoo_item = low[1]
    assert (shampoo_item["on_hand"], shampoo_item["reorder_point"], shampoo_item["reorder_quantity"]) == (
        "5.000", "5.000", "6.000")
    assert sorted((level["location_id"], level["quantity"]) for level in shampoo_item["locations"]) == sorted(
        [(chiado, "3.000"), (avenidas, "2.000")])
    assert low[0]["product_id"] == never["id"] and Decimal(low[0]["on_hand"]) == 0 and low[0]["locations"] == []
    assert [item["name"] for item in shop.get("/low-stock?search=sham")["data"]] == ["Shampoo"]
    assert shop.get("/low-stock")["meta"]["pagination"]["total"] == 2


def test_stock_low_is_published_once_per_crossing(shop, branches, stock_low_events):
    chiado, avenidas = branches
    product = shop.product(reorder_point="5")
    shop.receive(product, chiado, 8)
    shop.receive(product, avenidas, 2)
    shop.use(product, chiado, 4)  # 10 → 6: still above
    assert stock_low_events == []
    crossing = shop.use(product, avenidas, 1)["data"]  # 6 → 5: at the point
    [event] = stock_low_events
    assert (event.product_id, event.location_id, event.movement_id) == (
        uuid.UUID(product["id"]), uuid.UUID(avenidas), uuid.UUID(crossing["id"]))
    assert (event.quantity, event.reorder_point) == (Decimal("5"), Decimal("5"))
    assert event.business_id == shop.caller.business.id and event.actor_id == shop.caller.user.id
    shop.use(product, chiado, 1)  # 5 → 4: still low, no new event
    shop.move("stocktake", product, location_id=chiado, counted_quantity="1")  # 4 → 2
    assert len(stock_low_events) == 1
    shop.receive(product, chiado, 10)  # 2 → 12: back above
    shop.move("adjustment", product, location_id=chiado, quantity="-9", reason="Damaged")  # 12 → 3: crosses again
    assert len(stock_low_events) == 2 and stock_low_events[1].quantity == Decimal("3")


def test_transfers_do_not_change_the_total_nor_publish(shop, branches, stock_low_events):
    chiado, avenidas = branches
    product = shop.product(reorder_point="5")
    shop.receive(product, chiado, 6)
    shop.move("transfer", product, from_location_id=chiado, to_location_id=avenidas, quantity="6")
    assert stock_low_events == [] and shop.get("/low-stock")["data"] == []


def test_unwatched_products_never_publish(shop, branches, stock_low_events):
    chiado, _ = branches
    for fields in ({}, {"reorder_point": "5", "track_stock": False}, {"reorder_point": "5", "active": False}):
        product = shop.product(**fields)
        shop.receive(product, chiado, 6)
        shop.use(product, chiado, 6)
    assert stock_low_events == []


def test_a_refused_movement_publishes_nothing(shop, branches, stock_low_events):
    chiado, _ = branches
    product = shop.product(reorder_point="5")
    shop.receive(product, chiado, 6)
    shop.use(product, chiado, 7, status=409)
    assert stock_low_events == []
