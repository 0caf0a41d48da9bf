"""CSV import of products (all or nothing, row-numbered errors) and export of the filtered list."""

import csv
import io

from platform_core.testing.assertions import assert_error

API = "/api/inventory"
GOOD = """name,sku,barcode,category,unit,cost_price,sale_price,tax_rate,track_stock,reorder_point,reorder_quantity
Hydrating Shampoo 1L,SH-HYD-1L,5601234000001,Shampoos,bottle,8.50,0.00,23.00,true,4,6
Argan Oil 100ml,RE-OIL-100,,Retail,unit,11.00,29.50,23.00,yes,3,6
"Cotton pads, 100",CP-100,,,,0.90,,,false,,
"""


def upload(testapp, caller, text, status=201):
    return testapp.post(API + "/products/import", upload_files=[("file", "products.csv", text.encode())],
                        headers=caller.headers, status=status)


def names(shop, query=""):
    return sorted(p["name"] for p in shop.get(f"/products?{query}")["data"])


def test_a_valid_file_imports_every_row_with_categories_by_name(testapp, shop):
    shampoos, retail = shop.category("Shampoos"), shop.category("Retail")
    assert upload(testapp, shop.caller, GOOD).json["data"] == {"imported": 3}
    products = {p["sku"]: p for p in shop.get("/products")["data"]}
    assert products["SH-HYD-1L"]["category_id"] == shampoos["id"] and products["SH-HYD-1L"]["unit"] == "bottle"
    assert products["RE-OIL-100"]["category_id"] == retail["id"] and products["RE-OIL-100"]["sale_price"] == "29.50"
    assert products["CP-100"]["track_stock"] is False and products["CP-100"]["reorder_point"] is None
    assert products["SH-HYD-1L"]["average_cost"] == "8.5000"


def test_a_bad_row_in_the_middle_imports_nothing_and_names_its_line(testapp, shop):
    shop.category("Shampoos")
    shop.product(sku="TAKEN")
    bad = GOOD.replace("Argan Oil 100ml,RE-OIL-100,,Retail,unit,11.00,29.50,23.00,yes,3,6",
                       "Argan Oil 100ml,RE-OIL-100,,Nowhere,unit,11.001,-2,23.00,maybe,3,6")
    bad += "Duplicate in file,SH-HYD-1L,,,,,,,,,\nAlready there,TAKEN,,,,,,,,,\n"
    errors = assert_error(upload(testapp, shop.caller, bad, status=400), 400, "validation_error")["errors"]
    assert set(errors) == {"row 3", "row 5", "row 6"}
    assert {message.split(":")[0] for message in errors["row 3"]} == {"cost_price", "sale_price", "track_stock"}
    assert errors["row 5"] == ["sku: Already used by another product"]
    assert errors["row 6"] == ["sku: Already used by another product"]
    assert names(shop) == ["Product 1"]


def test_an_unknown_category_is_the_error_of_its_row(testapp, shop):
    shop.category("Shampoos")
    errors = assert_error(upload(testapp, shop.caller, GOOD, status=400), 400, "validation_error")["errors"]
    assert errors == {"row 3": ["category: No category named 'Retail'"]}
    assert names(shop) == []


def test_unusable_uploads_are_refused(testapp, admin):
    for text in ("", "name,sku\n"):
        assert_error(upload(testapp, admin, text, status=400), 400, "validation_error")
    response = testapp.post_json(API + "/products/import", {"file": "x"}, headers=admin.headers, status=400)
    assert_error(response, 400, "bad_request")


def test_export_follows_the_list_filters_and_reimports(testapp, shop):
    shop.category("Shampoos")
    shop.category("Retail")
    upload(testapp, shop.caller, GOOD)
    response = testapp.get(API + "/products/export?search=shampoo", headers=shop.caller.headers)
    assert response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(row["sku"], row["category"], row["cost_price"]) for row in rows] == [("SH-HYD-1L", "Shampoos", "8.50")]
    everything = testapp.get(API + "/products/export?ordering=sku", headers=shop.caller.headers).text
    assert [row["sku"] for row in csv.DictReader(io.StringIO(everything))] == ["CP-100", "RE-OIL-100", "SH-HYD-1L"]
    renamed = everything.replace("CP-100", "CP-200").replace("RE-OIL-100", "RE-OIL-200").replace("SH-HYD-1L", "SH-X")
    assert upload(testapp, shop.caller, renamed).json["data"] == {"imported": 3}
    assert_error(testapp.get(API + "/products/export?colour=red", headers=shop.caller.headers, status=400), 400,
                 "validation_error")


def test_import_and_export_are_for_managers(testapp, staff):
    assert_error(upload(testapp, staff["agent"], GOOD, status=403), 403, "permission_denied")
    assert_error(testapp.get(API + "/products/export", headers=staff["agent"].headers, status=403), 403,
                 "permission_denied")
    upload(testapp, staff["manager"], GOOD.replace(",Shampoos,", ",,").replace(",Retail,", ",,"))
