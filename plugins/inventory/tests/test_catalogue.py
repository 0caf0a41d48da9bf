"""The catalogue: categories and products, their fields, uniqueness, search, references and roles."""

from platform_core.testing.assertions import assert_error

API = "/api/inventory"


def test_every_route_is_off_until_the_module_is_enabled(testapp, factory):
    caller = factory.caller(role="admin")
    for path in ("/products", "/categories", "/stock-movements", "/stock", "/valuation", "/low-stock",
                 "/suppliers", "/supplier-products", "/purchase-orders", "/reorder-suggestions"):
        assert_error(testapp.get(API + path, headers=caller.headers, status=403), 403, "module_disabled")
    response = testapp.post_json(API + "/stock-movements", {"kind": "usage"}, headers=caller.headers, status=403)
    assert_error(response, 403, "module_disabled")
    enabled = testapp.post("/api/modules/inventory/enable", headers=caller.headers).json["data"]
    assert enabled["enabled"] == ["inventory"]
    assert testapp.get(API + "/products", headers=caller.headers).json["data"] == []


def test_a_product_is_created_with_every_field_and_decimals_as_strings(shop):
    category = shop.category("Colour")
    product = shop.product(name="Permanent Colour 7.1", sku="CO-7.1", barcode=" 5601234000017 ",
                           category_id=category["id"], unit="tube", cost_price="4.20", sale_price="0.00",
                           tax_rate="23.00", track_stock=True, reorder_point="6", reorder_quantity="12.5",
                           allow_negative_stock=False, active=True)
    assert product["barcode"] == "5601234000017" and product["category_id"] == category["id"]
    assert (product["cost_price"], product["sale_price"], product["tax_rate"]) == ("4.20", "0.00", "23.00")
    assert (product["reorder_point"], product["reorder_quantity"]) == ("6.000", "12.500")
    assert product["average_cost"] == "4.2000" and product["unit"] == "tube"
    assert product["allow_negative_stock"] is False and product["track_stock"] is True
    stored = shop.product_now(product)
    assert stored["average_cost"] == "4.2000" and stored["reorder_quantity"] == "12.500"


def test_defaults_of_a_minimal_product(testapp, admin):
    body = {"name": "Cotton pads", "sku": "CP-1"}
    product = testapp.post_json(API + "/products", body, headers=admin.headers, status=201).json["data"]
    assert product["unit"] == "unit" and product["cost_price"] == "0.00" and product["reorder_point"] is None
    assert product["track_stock"] is True and product["allow_negative_stock"] is False and product["active"] is True


def test_invalid_fields_are_field_errors(testapp, admin):
    body = {"name": "", "sku": "", "cost_price": 4.2, "sale_price": "-1.00", "tax_rate": "101",
            "reorder_point": "1.0005", "track_stock": "perhaps", "category_id": "nope"}
    response = testapp.post_json(API + "/products", body, headers=admin.headers, status=400)
    errors = assert_error(response, 400, "validation_error")["errors"]
    assert set(errors) == {"name", "sku", "cost_price", "sale_price", "tax_rate", "reorder_point", "track_stock",
                           "category_id"}


def test_sku_is_unique_within_the_business_only_and_freed_by_deletion(testapp, shop, other_shop):
    first = shop.product(sku="SH-1")
    response = testapp.post_json(API + "/products", {"name": "Other", "sku": "SH-1"}, headers=shop.caller.headers,
                                 status=409)
    assert assert_error(response, 409, "conflict")["errors"] == {"sku": ["Already taken"]}
    second = shop.product(sku="SH-2")
    response = testapp.patch_json(f"{API}/products/{second['id']}", {"sku": "SH-1"}, headers=shop.caller.headers,
                                  status=409)
    assert assert_error(response, 409, "conflict")["errors"] == {"sku": ["Already taken"]}
    other_shop.product(sku="SH-1")
    testapp.delete(f"{API}/products/{first['id']}", headers=shop.caller.headers)
    shop.product(sku="SH-1")


def test_search_by_name_sku_and_barcode_and_filters(shop):
    colour = shop.category()
    shop.product(name="Argan Oil", sku="RE-OIL", barcode="5600000000001")
    shop.product(name="Hydrating Shampoo", sku="SH-HYD", barcode="5600000000002", category_id=colour["id"])
    shop.product(name="Volume Shampoo", sku="SH-VOL", active=False)

    def names(query):
        return sorted(p["name"] for p in shop.get(f"/products?{query}")["data"])

    assert names("search=shampoo") == ["Hydrating Shampoo", "Volume Shampoo"]
    assert names("search=re-oil") == ["Argan Oil"]
    assert names("search=0000000002") == ["Hydrating Shampoo"]
    assert names(f"category_id={colour['id']}") == ["Hydrating Shampoo"]
    assert names("active=false") == ["Volume Shampoo"]
    assert names("barcode=5600000000001") == ["Argan Oil"]


def test_the_list_is_newest_first(shop, clock):
    for name in ("First", "Second", "Third"):
        shop.product(name=name)
        clock.advance(minutes=1)
    assert [p["name"] for p in shop.get("/products")["data"]] == ["Third", "Second", "First"]


def test_a_category_of_another_business_is_a_field_error(testapp, shop, other_shop):
    theirs = other_shop.category()
    for bad in (theirs["id"], "00000000-0000-0000-0000-000000000000"):
        response = testapp.post_json(API + "/products", {"name": "X", "sku": "X-1", "category_id": bad},
                                     headers=shop.caller.headers, status=400)
        assert assert_error(response, 400, "validation_error")["errors"] == {"category_id": ["No such object"]}


def test_another_business_products_and_categories_are_not_found(testapp, shop, other_shop):
    product, category = other_shop.product(), other_shop.category()
    for path in (f"/products/{product['id']}", f"/categories/{category['id']}"):
        assert_error(testapp.get(API + path, headers=shop.caller.headers, status=404), 404, "not_found")
        assert_error(testapp.patch_json(API + path, {"name": "Mine"}, headers=shop.caller.headers, status=404),
                     404, "not_found")
        assert_error(testapp.delete(API + path, headers=shop.caller.headers, status=404), 404, "not_found")


def test_category_names_are_unique_within_the_business(testapp, shop):
    shop.category("Nails")
    response = testapp.post_json(API + "/categories", {"name": "Nails"}, headers=shop.caller.headers, status=409)
    assert assert_error(response, 409, "conflict")["errors"] == {"name": ["Already taken"]}


def test_agents_view_the_catalogue_and_managers_change_it(testapp, staff, shop):
    product = shop.product()
    for role in ("agent", "manager", "admin"):
        assert testapp.get(f"{API}/products/{product['id']}", headers=staff[role].headers).json["data"]["id"]
    for path, body in (("/products", {"name": "A", "sku": "A-1"}), ("/categories", {"name": "A"})):
        assert_error(testapp.post_json(API + path, body, headers=staff["agent"].headers, status=403), 403,
                     "permission_denied")
        testapp.post_json(API + path, body, headers=staff["manager"].headers, status=201)
    assert_error(testapp.get(API + "/products", headers=staff["subscriber"].headers, status=403), 403,
                 "permission_denied")


def test_the_audit_log_holds_a_products_values_as_the_api_shows_them(shop, testapp):
    category = shop.category()
    product = shop.product(category_id=category["id"], sale_price="9.90")
    testapp.patch_json(f"/api/inventory/products/{product['id']}", {"sale_price": "12.50"},
                       headers=shop.caller.headers)
    log = shop.get(f"/api/audit-log?resource_type=inventory_products&resource_id={product['id']}")["data"]
    changes = {entry["action"]: entry["changes"] for entry in log}
    created = changes["create"]
    # Decimals and ids as text, nothing left out of the create, bookkeeping columns not "the change".
    assert created["sale_price"] == [None, "9.90"] and created["cost_price"] == [None, "4.00"]
    assert created["category_id"] == [None, category["id"]] and created["id"] == [None, product["id"]]
    assert created["name"] == [None, product["name"]] and created["is_deleted"] == [None, False]
    assert "created_at" not in created and "updated_by" not in created
    assert changes["update"] == {"sale_price": ["9.90", "12.50"]}
