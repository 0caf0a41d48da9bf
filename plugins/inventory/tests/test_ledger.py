"""The stock ledger: every kind of movement, levels, never below zero, append-only, filters, roles.

Every test here uses the ``staff`` fixture, whose teardown asserts that each
level equals the sum of its movements (conftest.assert_ledger_balanced).
"""

import datetime
from decimal import Decimal

import pytest

from platform_core.testing.assertions import assert_error

API = "/api/inventory"


@pytest.fixture
def chiado(shop):
    return shop.location("Chiado")


@pytest.fixture
def avenidas(shop):
    return shop.location("Avenidas Novas")


def test_receipts_and_usage_change_the_level_and_record_the_level_they_left(shop, chiado, check_ledger):
    product = shop.product()
    received = shop.receive(product, chiado, 10, "4.00")
    assert (received["kind"], received["quantity"], received["quantity_after"]) == ("receipt", "10.000", "10.000")
    assert received["unit_cost"] == "4.0000" and received["location_id"] == chiado
    used = shop.use(product, chiado, "0.5")["data"]
    assert (used["kind"], used["quantity"], used["quantity_after"]) == ("usage", "-0.500", "9.500")
    sold = shop.move("sale", product, location_id=chiado, quantity="2")["data"]
    assert (sold["quantity"], sold["quantity_after"]) == ("-2.000", "7.500")
    assert shop.level(product, chiado) == Decimal("7.5")
    check_ledger()


def test_an_adjustment_is_signed_and_needs_a_reason(shop, chiado):
    product = shop.product()
    shop.receive(product, chiado, 5)
    errors = assert_error(shop.testapp.post_json(API + "/stock-movements", {
        "kind": "adjustment", "product_id": product["id"], "location_id": chiado, "quantity": "-1"},
        headers=shop.caller.headers, status=400), 400, "validation_error")["errors"]
    assert errors == {"reason": ["Required for an adjustment"]}
    down = shop.move("adjustment", product, location_id=chiado, quantity="-1.25", reason="Broken bottle")["data"]
    assert (down["quantity"], down["quantity_after"], down["reason"]) == ("-1.250", "3.750", "Broken bottle")
    up = shop.move("adjustment", product, location_id=chiado, quantity="0.25", reason="Found one")["data"]
    assert up["quantity_after"] == "4.000"
    response = shop.move("adjustment", product, status=400, location_id=chiado, quantity="0", reason="Nothing")
    assert set(response["errors"]) == {"quantity"}


def test_a_transfer_writes_both_legs_in_one_transaction(shop, chiado, avenidas):
    product = shop.product()
    shop.receive(product, chiado, 5)
    answer = shop.move("transfer", product, from_location_id=chiado, to_location_id=avenidas, quantity="2")
    out, into = answer["meta"]["movements"]
    assert answer["data"] == out
    assert (out["location_id"], out["quantity"], out["quantity_after"]) == (chiado, "-2.000", "3.000")
    assert (into["location_id"], into["quantity"], into["quantity_after"]) == (avenidas, "2.000", "2.000")
    assert out["transfer_id"] == into["transfer_id"] and out["kind"] == into["kind"] == "transfer"
    assert (out["counterpart_location_id"], into["counterpart_location_id"]) == (avenidas, chiado)
    assert (shop.level(product, chiado), shop.level(product, avenidas)) == (3, 2)


def test_a_refused_transfer_moves_nothing(shop, chiado, avenidas):
    product = shop.product()
    shop.receive(product, chiado, 1)
    response = shop.move("transfer", product, status=409, from_location_id=chiado, to_location_id=avenidas,
                         quantity="2")
    assert response["code"] == "insufficient_stock"
    assert (shop.level(product, chiado), shop.level(product, avenidas)) == (1, 0)
    assert len(shop.get(f"/stock-movements?product_id={product['id']}")["data"]) == 1


def test_transfer_fields_are_checked(shop, chiado):
    product = shop.product()
    same = shop.move("transfer", product, status=400, from_location_id=chiado, to_location_id=chiado, quantity="1")
    assert set(same["errors"]) == {"to_location_id"}
    missing = shop.move("transfer", product, status=400, location_id=chiado, quantity="1")
    assert set(missing["errors"]) == {"from_location_id", "to_location_id", "location_id"}


def test_a_stocktake_records_the_difference_to_the_count(shop, chiado):
    product = shop.product()
    shop.receive(product, chiado, 10)
    counted = shop.move("stocktake", product, location_id=chiado, counted_quantity="7.5")["data"]
    assert (counted["kind"], counted["quantity"], counted["counted_quantity"]) == ("stocktake", "-2.500", "7.500")
    assert counted["quantity_after"] == "7.500" and shop.level(product, chiado) == Decimal("7.5")
    more = shop.move("stocktake", product, location_id=chiado, counted_quantity="9")["data"]
    assert more["quantity"] == "1.500"
    same = shop.move("stocktake", product, location_id=chiado, counted_quantity="9")["data"]
    assert same["quantity"] == "0.000"
    wrong = shop.move("stocktake", product, status=400, location_id=chiado, quantity="9")
    assert set(wrong["errors"]) == {"counted_quantity", "quantity"}
    negative = shop.move("stocktake", product, status=400, location_id=chiado, counted_quantity="-1")
    assert set(negative["errors"]) == {"counted_quantity"}


def test_a_tracked_product_never_goes_below_zero(shop, chiado):
    product = shop.product(unit="bottle", name="Shampoo")
    shop.receive(product, chiado, "1.5")
    response = shop.use(product, chiado, 2, status=409)
    assert response["code"] == "insufficient_stock"
    assert response["errors"] == {"quantity": ["Only 1.5 bottle of Shampoo in stock at Chiado"]}
    adjusted = shop.move("adjustment", product, status=409, location_id=chiado, quantity="-1.501", reason="x")
    assert set(adjusted["errors"]) == {"quantity"}
    empty = shop.use(product, shop.location(), 1, status=409)
    assert empty["code"] == "insufficient_stock"
    shop.use(product, chiado, "1.5")
    assert shop.level(product, chiado) == 0


def test_a_refused_movement_is_answered_in_the_envelope(testapp, shop, chiado):
    product = shop.product()
    response = testapp.post_json(API + "/stock-movements", {"kind": "usage", "product_id": product["id"],
                                                            "location_id": chiado, "quantity": "1"},
                                 headers=shop.caller.headers, status=409)
    assert assert_error(response, 409, "insufficient_stock")["errors"]["quantity"]


def test_allow_negative_stock_and_untracked_products_may_go_below_zero(shop, chiado):
    negative = shop.product(allow_negative_stock=True)
    assert shop.use(negative, chiado, 3)["data"]["quantity_after"] == "-3.000"
    untracked = shop.product(track_stock=False)
    assert shop.use(untracked, chiado, "0.5")["data"]["quantity_after"] == "-0.500"
    shop.testapp.patch_json(f"{API}/products/{negative['id']}", {"allow_negative_stock": False},
                            headers=shop.caller.headers)
    assert shop.use(negative, chiado, 1, status=409)["code"] == "insufficient_stock"
    assert shop.receive(negative, chiado, 4)["quantity_after"] == "1.000"


def test_quantities_are_decimals_with_three_places_never_floats(shop, chiado):
    product = shop.product()
    shop.receive(product, chiado, "0.1")
    shop.receive(product, chiado, "0.2")
    # 0.1 + 0.2 - 0.3 is not 0 in binary floating point: the level must still reach exactly zero.
    assert shop.use(product, chiado, "0.3")["data"]["quantity_after"] == "0.000"
    for bad in (0.5, "0.0005", "lots", "NaN", "Infinity", "2000000"):
        response = shop.move("receipt", product, status=400, location_id=chiado, quantity=bad)
        assert set(response["errors"]) == {"quantity"}, bad
    assert set(shop.move("usage", product, status=400, location_id=chiado, quantity="-1")["errors"]) == {"quantity"}


def test_each_kind_needs_its_own_fields(shop, chiado):
    product = shop.product()
    for kind in ("receipt", "usage", "sale"):
        assert set(shop.move(kind, product, status=400)["errors"]) == {"location_id", "quantity"}
    assert set(shop.move("stocktake", product, status=400)["errors"]) == {"location_id", "counted_quantity"}
    assert set(shop.move("teleport", product, status=400, location_id=chiado)["errors"]) == {"kind"}
    cost = shop.move("usage", product, status=400, location_id=chiado, quantity="1", unit_cost="2.00")
    assert set(cost["errors"]) == {"unit_cost"}


def test_the_ledger_is_append_only(testapp, shop, chiado):
    product = shop.product()
    movement = shop.receive(product, chiado, 3)
    item = f"{API}/stock-movements/{movement['id']}"
    assert shop.get(item)["data"] == movement
    for method in ("PATCH", "PUT", "DELETE"):
        response = testapp.request(item, method=method, body=b'{"quantity": "1"}', content_type="application/json",
                                   headers=shop.caller.headers, expect_errors=True)
        assert_error(response, 405, "method_not_allowed")
        response = testapp.request(API + "/stock-movements", method=method, body=b"{}",
                                   content_type="application/json", headers=shop.caller.headers, expect_errors=True)
        assert_error(response, 405, "method_not_allowed")
    assert shop.level(product, chiado) == 3


def test_movements_are_listed_newest_first_and_filtered(shop, chiado, avenidas, clock):
    shampoo, oil = shop.product(), shop.product()
    shop.receive(shampoo, chiado, 5)
    clock.advance(minutes=1)
    shop.receive(oil, avenidas, 5)
    clock.advance(minutes=1)
    shop.use(shampoo, chiado, 1)
    clock.advance(minutes=1)
    shop.move("transfer", oil, from_location_id=avenidas, to_location_id=chiado, quantity="1")

    def kinds(query=""):
        return [(m["kind"], m["quantity"]) for m in shop.get(f"/stock-movements?{query}")["data"]]

    assert [kind for kind, _ in kinds()] == ["transfer", "transfer", "usage", "receipt", "receipt"]
    assert kinds(f"product_id={shampoo['id']}") == [("usage", "-1.000"), ("receipt", "5.000")]
    assert kinds(f"location_id={avenidas}") == [("transfer", "-1.000"), ("receipt", "5.000")]
    assert kinds("kind=usage") == [("usage", "-1.000")]
    assert kinds(f"kind=transfer&location_id={chiado}") == [("transfer", "1.000")]
    assert set(shop.get("/stock-movements?kind=gift", status=400)["errors"]) == {"kind"}
    assert set(shop.get("/stock-movements?product_id=nope", status=400)["errors"]) == {"product_id"}


def test_date_ranges_are_inclusive_days_in_the_location_or_business_timezone(shop, clock):
    tokyo = shop.location("Tokyo", timezone="Asia/Tokyo")  # UTC+9; the test business keeps UTC
    product = shop.product()
    clock.freeze(datetime.datetime(2026, 3, 1, 14, 30, tzinfo=datetime.timezone.utc))  # 1 March 23:30 in Tokyo
    shop.receive(product, tokyo, 1)
    clock.advance(hours=1)  # 2 March 00:30 in Tokyo, still 1 March in UTC
    shop.receive(product, tokyo, 2)
    clock.advance(days=1)  # 2 March in UTC
    shop.receive(product, tokyo, 3)

    def quantities(query):
        return sorted(m["quantity"] for m in shop.get(f"/stock-movements?{query}")["data"])

    assert quantities(f"location_id={tokyo}&date_from=2026-03-01&date_to=2026-03-01") == ["1.000"]
    assert quantities(f"location_id={tokyo}&date_from=2026-03-02&date_to=2026-03-02") == ["2.000"]
    assert quantities("date_from=2026-03-01&date_to=2026-03-01") == ["1.000", "2.000"]
    assert quantities("date_from=2026-03-02") == ["3.000"]
    assert quantities("date_to=2026-02-28") == []
    assert set(shop.get("/stock-movements?date_from=yesterday", status=400)["errors"]) == {"date_from"}


def test_stock_levels_come_from_the_levels_table_filtered_by_product_and_location(shop, chiado, avenidas):
    shampoo, oil = shop.product(), shop.product()
    shop.receive(shampoo, chiado, 5)
    shop.receive(shampoo, avenidas, 2)
    shop.receive(oil, chiado, 1)
    rows = shop.get(f"/stock?product_id={shampoo['id']}")["data"]
    assert sorted((row["location_id"], row["quantity"]) for row in rows) == sorted([(chiado, "5.000"),
                                                                                    (avenidas, "2.000")])
    assert len(shop.get(f"/stock?location_id={chiado}")["data"]) == 2
    assert shop.get("/stock")["meta"]["pagination"]["total"] == 3


def test_references_of_another_business_are_field_errors(shop, other_shop, chiado):
    product, theirs_location = shop.product(), other_shop.location()
    theirs_product = other_shop.product()
    response = shop.move("receipt", theirs_product, status=400, location_id=chiado, quantity="1")
    assert response["errors"] == {"product_id": ["No such object"]}
    response = shop.move("receipt", product, status=400, location_id=theirs_location, quantity="1")
    assert response["errors"] == {"location_id": ["No such object"]}
    response = shop.move("transfer", product, status=400, from_location_id=chiado, to_location_id=theirs_location,
                         quantity="1")
    assert response["errors"] == {"to_location_id": ["No such object"]}
    assert shop.get("/stock-movements")["data"] == []


def test_another_business_movements_and_levels_are_invisible(shop, other_shop):
    location, product = other_shop.location(), other_shop.product()
    theirs = other_shop.receive(product, location, 5)
    assert_error(shop.testapp.get(f"{API}/stock-movements/{theirs['id']}", headers=shop.caller.headers, status=404),
                 404, "not_found")
    assert shop.get(f"/stock?product_id={product['id']}")["data"] == []
    assert shop.get("/stock-movements")["data"] == []


def test_agents_record_usage_managers_the_rest(shop, staff, chiado, avenidas):
    product = shop.product()
    agent, manager = staff["agent"], staff["manager"]
    denied = shop.move("receipt", product, status=403, caller=agent, location_id=chiado, quantity="5")
    assert denied["code"] == "permission_denied"
    shop.move("receipt", product, caller=manager, location_id=chiado, quantity="5")
    shop.use(product, chiado, 1, caller=agent)
    shop.move("sale", product, caller=agent, location_id=chiado, quantity="1")
    for kind, fields in (("adjustment", {"location_id": chiado, "quantity": "-1", "reason": "x"}),
                         ("stocktake", {"location_id": chiado, "counted_quantity": "1"}),
                         ("transfer", {"from_location_id": chiado, "to_location_id": avenidas, "quantity": "1"})):
        assert shop.move(kind, product, status=403, caller=agent, **fields)["code"] == "permission_denied"
        shop.move(kind, product, caller=manager, **fields)
    assert shop.get("/stock-movements", caller=agent)["meta"]["pagination"]["total"] == 7  # a transfer has two legs
    assert shop.get("/stock", caller=staff["subscriber"], status=403)["code"] == "permission_denied"
