"""Suppliers and the products each supplies, with its own SKU and cost."""

from platform_core.testing.assertions import assert_error

API = "/api/inventory"


def test_a_supplier_with_every_field(shop):
    supplier = shop.supplier(name="Lisboa Beauty Supply", contact_name="Marta Lopes", email=" Orders@Example.com ",
                             phone="+351 213 000 100", lead_time_days=3, payment_terms="30 days net",
                             currency="GBP")
    assert supplier["email"] == "orders@example.com" and supplier["phone"] == "+351213000100"
    assert (supplier["lead_time_days"], supplier["payment_terms"], supplier["currency"]) == (3, "30 days net", "GBP")


def test_the_currency_is_the_business_s_by_default(shop):
    assert shop.supplier()["currency"] == shop.caller.business.currency


def test_supplier_fields_are_validated(testapp, admin):
    body = {"name": "", "email": "nope", "phone": "12", "lead_time_days": -1, "currency": "euro"}
    errors = assert_error(testapp.post_json(API + "/suppliers", body, headers=admin.headers, status=400), 400,
                          "validation_error")["errors"]
    assert set(errors) == {"name", "email", "phone", "lead_time_days", "currency"}


def test_a_supplier_sells_a_product_once_with_its_own_sku_and_cost(testapp, shop):
    supplier, product = shop.supplier(), shop.product()
    offer = shop.post("/supplier-products", {"supplier_id": supplier["id"], "product_id": product["id"],
                                             "supplier_sku": "LB-991", "cost": "3.80"})["data"]
    assert (offer["supplier_sku"], offer["cost"]) == ("LB-991", "3.80")
    again = testapp.post_json(API + "/supplier-products", {"supplier_id": supplier["id"], "product_id": product["id"],
                                                           "cost": "3.50"}, headers=shop.caller.headers, status=409)
    assert assert_error(again, 409, "conflict")["errors"] == {"supplier_id": ["Already taken"],
                                                              "product_id": ["Already taken"]}
    shop.post("/supplier-products", {"supplier_id": shop.supplier()["id"], "product_id": product["id"],
                                     "cost": "3.50"})
    listed = shop.get(f"/supplier-products?product_id={product['id']}&ordering=cost")["data"]
    assert [row["cost"] for row in listed] == ["3.50", "3.80"]
    testapp.delete(f"{API}/supplier-products/{offer['id']}", headers=shop.caller.headers)
    shop.post("/supplier-products", {"supplier_id": supplier["id"], "product_id": product["id"], "cost": "3.70"})


def test_supplier_products_refer_to_the_business_s_own_rows(testapp, shop, other_shop):
    mine_supplier, mine_product = shop.supplier(), shop.product()
    theirs_supplier, theirs_product = other_shop.supplier(), other_shop.product()
    for body, field in (({"supplier_id": theirs_supplier["id"], "product_id": mine_product["id"]}, "supplier_id"),
                        ({"supplier_id": mine_supplier["id"], "product_id": theirs_product["id"]}, "product_id")):
        response = testapp.post_json(API + "/supplier-products", {**body, "cost": "1.00"},
                                     headers=shop.caller.headers, status=400)
        assert assert_error(response, 400, "validation_error")["errors"] == {field: ["No such object"]}
    assert_error(testapp.get(f"{API}/suppliers/{theirs_supplier['id']}", headers=shop.caller.headers, status=404),
                 404, "not_found")


def test_managers_manage_suppliers_and_agents_look(testapp, staff):
    assert_error(testapp.post_json(API + "/suppliers", {"name": "X"}, headers=staff["agent"].headers, status=403),
                 403, "permission_denied")
    testapp.post_json(API + "/suppliers", {"name": "X"}, headers=staff["manager"].headers, status=201)
    assert len(testapp.get(API + "/suppliers", headers=staff["agent"].headers).json["data"]) == 1
