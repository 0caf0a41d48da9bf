"""Purchase orders: drafts, transitions, partial receipts that move average costs, reorder suggestions."""

from decimal import Decimal

import pytest

from platform_core.testing.assertions import assert_error

API = "/api/inventory"


@pytest.fixture
def chiado(shop):
    return shop.location("Chiado")


@pytest.fixture
def supplier(shop):
    return shop.supplier(name="Lisboa Beauty Supply")


def draft(shop, supplier, *lines, **fields):
    body = {"supplier_id": supplier["id"], "reference": "PO-1", **fields,
            "lines": [{"product_id": product["id"], "quantity": str(quantity),
                       **({"unit_cost": str(cost)} if cost is not None else {})}
                      for product, quantity, cost in lines]}
    return shop.post("/purchase-orders", body)["data"]


def transition(shop, order, verb, body=None, status=200, caller=None):
    return shop.post(f"/purchase-orders/{order['id']}/{verb}", body or {}, status=status, caller=caller)


def receive(shop, order, location, *quantities, status=200):
    lines = [{"line_id": line["id"], "quantity": str(quantity)}
             for line, quantity in zip(order["lines"], quantities) if quantity]
    return transition(shop, order, "receive", {"location_id": location, "lines": lines}, status=status)


def test_a_draft_with_lines_takes_the_supplier_s_cost_by_default(shop, supplier):
    shampoo, oil, mask = shop.product(cost_price="9.00"), shop.product(cost_price="11.00"), shop.product()
    shop.post("/supplier-products", {"supplier_id": supplier["id"], "product_id": shampoo["id"], "cost": "8.50"})
    order = draft(shop, supplier, (shampoo, 6, None), (oil, "2.5", None), (mask, 1, "12.34"))
    assert order["status"] == "draft" and order["ordered_at"] is None
    assert [(line["quantity"], line["unit_cost"], line["received_quantity"]) for line in order["lines"]] == [
        ("6.000", "8.50", "0.000"), ("2.500", "11.00", "0.000"), ("1.000", "12.34", "0.000")]
    # 6 × 8.50 + 2.5 × 11.00 + 1 × 12.34 = 51.00 + 27.50 + 12.34 = 90.84
    assert order["total"] == "90.84"
    assert shop.get(f"/purchase-orders/{order['id']}")["data"] == order


def test_the_full_flow_with_partial_receipts_and_average_costs(shop, supplier, chiado, check_ledger):
    product = shop.product(cost_price="3.00")
    other = shop.product()
    order = draft(shop, supplier, (product, 20, "4.00"), (other, 5, "2.00"))
    ordered = transition(shop, order, "order")["data"]
    assert ordered["status"] == "ordered" and ordered["ordered_at"] is not None

    first = receive(shop, ordered, chiado, 10)["data"]
    assert first["status"] == "partially_received"
    assert [line["received_quantity"] for line in first["lines"]] == ["10.000", "0.000"]
    assert shop.level(product, chiado) == 10
    # Nothing on hand before: the average is the receipt's cost, 4.00.
    assert Decimal(shop.product_now(product)["average_cost"]) == Decimal("4.00")

    # A second order at a higher price: 10 @ 4.00 on hand, 10 more @ 6.00 arrive.
    dearer = transition(shop, draft(shop, supplier, (product, 10, "6.00")), "order")["data"]
    receive(shop, dearer, chiado, 10)
    # (10 × 4.00 + 10 × 6.00) / 20 = 100.00 / 20 = 5.00
    assert Decimal(shop.product_now(product)["average_cost"]) == Decimal("5.00")

    done = receive(shop, first, chiado, "10", "5")["data"]
    assert done["status"] == "received" and done["received_at"] is not None
    # (20 × 5.00 + 10 × 4.00) / 30 = 140.00 / 30 = 4.6666... kept to four places
    assert Decimal(shop.product_now(product)["average_cost"]) == Decimal("4.6667")
    assert shop.level(product, chiado) == 30 and shop.level(other, chiado) == 5
    receipts = shop.get(f"/stock-movements?kind=receipt&product_id={product['id']}&ordering=at")["data"]
    assert [(m["quantity"], m["unit_cost"], m["source_type"]) for m in receipts] == [
        ("10.000", "4.0000", "purchase_order"), ("10.000", "6.0000", "purchase_order"),
        ("10.000", "4.0000", "purchase_order")]
    assert receipts[0]["source_id"] == order["id"]
    check_ledger()


def test_over_receiving_a_line_is_refused_naming_the_line(shop, supplier, chiado):
    product = shop.product()
    order = transition(shop, draft(shop, supplier, (product, 5, "1.00")), "order")["data"]
    receive(shop, order, chiado, 3)
    response = receive(shop, order, chiado, "2.001", status=409)
    line_id = order["lines"][0]["id"]
    assert response["code"] == "conflict"
    assert response["errors"] == {"lines.0.quantity": [f"Line {line_id} has only 2 left to receive"]}
    assert shop.level(product, chiado) == 3
    assert shop.get(f"/purchase-orders/{order['id']}")["data"]["status"] == "partially_received"


def test_a_reception_names_only_lines_of_its_order(shop, supplier, chiado, other_shop):
    product = shop.product()
    order = transition(shop, draft(shop, supplier, (product, 5, "1.00")), "order")["data"]
    other = transition(shop, draft(shop, supplier, (product, 5, "1.00")), "order")["data"]
    body = {"location_id": chiado, "lines": [{"line_id": other["lines"][0]["id"], "quantity": "1"}]}
    assert transition(shop, order, "receive", body, status=400)["errors"] == {
        "lines.0.line_id": ["No such line on this order"]}
    twice = {"location_id": chiado, "lines": [{"line_id": order["lines"][0]["id"], "quantity": "1"}] * 2}
    assert set(transition(shop, order, "receive", twice, status=400)["errors"]) == {"lines.1.line_id"}
    elsewhere = {"location_id": other_shop.location(), "lines": [{"line_id": order["lines"][0]["id"],
                                                                  "quantity": "1"}]}
    assert transition(shop, order, "receive", elsewhere, status=400)["errors"] == {"location_id": ["No such object"]}
    assert set(transition(shop, order, "receive", {"location_id": chiado, "lines": []}, status=400)["errors"]) == {
        "lines"}


def test_only_drafts_can_be_edited(testapp, shop, supplier):
    product = shop.product()
    order = draft(shop, supplier, (product, 5, "1.00"))
    url = f"{API}/purchase-orders/{order['id']}"
    edited = testapp.patch_json(url, {"notes": "Urgent", "lines": [{"product_id": product["id"], "quantity": "7"}]},
                                headers=shop.caller.headers).json["data"]
    assert edited["notes"] == "Urgent" and [line["quantity"] for line in edited["lines"]] == ["7.000"]
    transition(shop, order, "order")
    for method in (testapp.patch_json, testapp.put_json):
        response = method(url, {"supplier_id": supplier["id"], "notes": "Later"}, headers=shop.caller.headers,
                          status=409)
        body = assert_error(response, 409, "conflict")
        assert "ordered" in body["message"] and body["errors"] == {
            "status": ["The purchase order is ordered; only draft orders can be changed"]}
    assert_error(testapp.delete(url, headers=shop.caller.headers, status=409), 409, "conflict")


def test_illegal_transitions_are_conflicts_naming_them(shop, supplier, chiado):
    product = shop.product()
    order = draft(shop, supplier, (product, 1, "1.00"))
    received = receive(shop, order, chiado, 1, status=409)
    assert received["code"] == "conflict" and received["errors"] == {"status": ["draft -> receive is not a transition"]}
    transition(shop, order, "order")
    again = transition(shop, order, "order", status=409)
    assert again["message"] == "Cannot order a purchase order that is ordered"
    receive(shop, order, chiado, 1)
    cancelled = transition(shop, order, "cancel", status=409)
    assert cancelled["errors"] == {"status": ["received -> cancel is not a transition"]}
    assert transition(shop, order, "receive", {"location_id": chiado, "lines": [
        {"line_id": order["lines"][0]["id"], "quantity": "1"}]}, status=409)["code"] == "conflict"


def test_cancel_from_draft_or_ordered_but_not_once_goods_arrived(shop, supplier, chiado):
    product = shop.product()
    first = draft(shop, supplier, (product, 2, "1.00"))
    assert transition(shop, first, "cancel")["data"]["status"] == "cancelled"
    assert transition(shop, first, "order", status=409)["code"] == "conflict"
    second = transition(shop, draft(shop, supplier, (product, 2, "1.00")), "order")["data"]
    assert transition(shop, second, "cancel")["data"]["cancelled_at"] is not None
    third = transition(shop, draft(shop, supplier, (product, 2, "1.00")), "order")["data"]
    receive(shop, third, chiado, 1)
    assert transition(shop, third, "cancel", status=409)["errors"] == {
        "status": ["partially_received -> cancel is not a transition"]}


def test_an_empty_order_cannot_be_placed(shop, supplier):
    order = draft(shop, supplier)
    assert transition(shop, order, "order", status=409)["errors"] == {"lines": ["Add a line before ordering"]}


def test_lines_and_supplier_must_be_of_the_business(testapp, shop, supplier, other_shop):
    theirs_product, theirs_supplier = other_shop.product(), other_shop.supplier()
    body = {"supplier_id": supplier["id"], "lines": [{"product_id": shop.product()["id"], "quantity": "1"},
                                                      {"product_id": theirs_product["id"], "quantity": "1"}]}
    response = testapp.post_json(API + "/purchase-orders", body, headers=shop.caller.headers, status=400)
    assert assert_error(response, 400, "validation_error")["errors"] == {"lines.1.product_id": ["No such object"]}
    response = testapp.post_json(API + "/purchase-orders", {"supplier_id": theirs_supplier["id"]},
                                 headers=shop.caller.headers, status=400)
    assert assert_error(response, 400, "validation_error")["errors"] == {"supplier_id": ["No such object"]}
    bad_line = {"supplier_id": supplier["id"], "lines": [{"product_id": "x", "quantity": "0"}]}
    errors = testapp.post_json(API + "/purchase-orders", bad_line, headers=shop.caller.headers, status=400).json
    assert set(errors["errors"]) == {"lines.0.product_id", "lines.0.quantity"}


def test_another_business_orders_are_not_found(testapp, shop, other_shop):
    theirs = other_shop.post("/purchase-orders", {"supplier_id": other_shop.supplier()["id"]})["data"]
    for verb in ("order", "cancel"):
        response = testapp.post_json(f"{API}/purchase-orders/{theirs['id']}/{verb}", {}, headers=shop.caller.headers,
                                     status=404)
        assert_error(response, 404, "not_found")
    assert_error(testapp.get(f"{API}/purchase-orders/{theirs['id']}", headers=shop.caller.headers, status=404), 404,
                 "not_found")
    assert_error(testapp.post_json(f"{API}/purchase-orders/not-an-id/order", {}, headers=shop.caller.headers,
                                   status=404), 404, "not_found")


def test_orders_are_listed_and_filtered_by_status(shop, supplier):
    product = shop.product()
    transition(shop, draft(shop, supplier, (product, 1, None)), "order")
    draft(shop, supplier, (product, 1, None))
    assert [o["status"] for o in shop.get("/purchase-orders?status=draft")["data"]] == ["draft"]
    assert len(shop.get(f"/purchase-orders?supplier_id={supplier['id']}")["data"]) == 2


def test_managers_run_purchasing_and_agents_look(testapp, staff, shop, supplier):
    order = draft(shop, supplier, (shop.product(), 1, None))
    agent = staff["agent"]
    assert testapp.get(f"{API}/purchase-orders/{order['id']}", headers=agent.headers).json["data"]["id"]
    for verb in ("order", "cancel", "receive"):
        assert transition(shop, order, verb, status=403, caller=agent)["code"] == "permission_denied"
    assert_error(testapp.post_json(API + "/purchase-orders", {"supplier_id": supplier["id"]}, headers=agent.headers,
                                   status=403), 403, "permission_denied")
    transition(shop, order, "order", caller=staff["manager"])
    testapp.get(API + "/reorder-suggestions", headers=agent.headers)


def test_reorder_suggestions_per_supplier(shop, chiado):
    lisboa, nailpro = shop.supplier(name="Lisboa"), shop.supplier(name="NailPro", lead_time_days=7)
    shampoo = shop.product(name="Shampoo", reorder_point="4", reorder_quantity="6")
    colour = shop.product(name="Colour", reorder_point="10", reorder_quantity="2")
    polish = shop.product(name="Polish", reorder_point="2", reorder_quantity="5", cost_price="6.80")
    fine = shop.product(name="Plenty", reorder_point="1", reorder_quantity="5")
    unwatched = shop.product(name="Unwatched", reorder_quantity="5")
    untracked = shop.product(name="Untracked", reorder_point="5", track_stock=False)
    inactive = shop.product(name="Retired", reorder_point="5", active=False)
    for product, cost in ((shampoo, "8.50"), (colour, "4.20"), (fine, "1.00")):
        shop.post("/supplier-products", {"supplier_id": lisboa["id"], "product_id": product["id"], "cost": cost,
                                         "supplier_sku": f"LB-{product['sku']}"})
    # NailPro sells colour too, dearer: Lisboa is suggested.
    shop.post("/supplier-products", {"supplier_id": nailpro["id"], "product_id": colour["id"], "cost": "4.90"})
    shop.receive(shampoo, chiado, 4)
    shop.receive(colour, chiado, 3)
    shop.receive(fine, chiado, 9)
    for product in (unwatched, untracked, inactive):
        shop.receive(product, chiado, 1)
    # 2 colours already on order
    on_order = draft(shop, lisboa, (colour, 2, None))
    transition(shop, on_order, "order")

    groups = shop.get("/reorder-suggestions")["data"]
    assert [(g["supplier"] or {}).get("name") for g in groups] == ["Lisboa", None]
    lisboa_lines = {line["name"]: line for line in groups[0]["lines"]}
    assert set(lisboa_lines) == {"Shampoo", "Colour"}
    # Shampoo: 4 on hand, at its point 4: the reorder quantity 6 (more than the shortfall 0).
    assert (lisboa_lines["Shampoo"]["suggested_quantity"], lisboa_lines["Shampoo"]["unit_cost"]) == ("6.000", "8.50")
    assert lisboa_lines["Shampoo"]["supplier_sku"] == f"LB-{shampoo['sku']}"
    # Colour: 3 on hand, point 10: shortfall 7 beats reorder quantity 2; 2 on order → 5, at Lisboa's 4.20.
    colour_line = lisboa_lines["Colour"]
    assert (colour_line["on_hand"], colour_line["on_order"], colour_line["suggested_quantity"]) == (
        "3.000", "2.000", "5.000")
    assert (colour_line["unit_cost"], colour_line["line_total"]) == ("4.20", "21.00")
    # 6 × 8.50 + 5 × 4.20 = 51.00 + 21.00 = 72.00
    assert groups[0]["total"] == "72.00"
    # Polish: no stock and no supplier: its reorder quantity 5 (shortfall 2) at its cost price.
    assert [(line["name"], line["suggested_quantity"], line["unit_cost"]) for line in groups[1]["lines"]] == [
        ("Polish", "5.000", "6.80")]
    assert polish["id"] == groups[1]["lines"][0]["product_id"]
