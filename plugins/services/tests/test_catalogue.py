"""Categories and services: the menu a business sells by time."""

import uuid

import pytest

from platform_core.testing.assertions import assert_error
from platform_services.models import Service

SERVICES = "/api/services/services"
CATEGORIES = "/api/services/categories"


def test_routes_answer_module_disabled_until_the_business_enables_it(testapp, factory):
    admin = factory.caller(role="admin")
    for path in (SERVICES, CATEGORIES, "/api/services/packages", "/api/services/client-packages"):
        assert_error(testapp.get(path, headers=admin.headers, status=403), 403, "module_disabled")
    enabled = testapp.post("/api/modules/services/enable", headers=admin.headers).json["data"]["enabled"]
    assert enabled == ["clients", "services"]
    assert testapp.get(SERVICES, headers=admin.headers).json["data"] == []


def test_categories_list_by_position_and_names_are_unique_among_live_ones(testapp, api, admin):
    api.category(admin, name="Spa", position=2)
    hair = api.category(admin, name="Hair", position=1, description="Cuts and colour")
    listed = testapp.get(CATEGORIES, headers=admin.headers).json
    assert [c["name"] for c in listed["data"]] == ["Hair", "Spa"]
    assert listed["meta"]["pagination"]["total"] == 2
    body = assert_error(testapp.post_json(CATEGORIES, {"name": "Hair"}, headers=admin.headers, status=409),
                        409, "conflict")
    assert body["errors"] == {"name": ["Already taken"]}
    testapp.delete(f"{CATEGORIES}/{hair['id']}", headers=admin.headers)
    assert api.category(admin, name="Hair")["description"] == ""
    # The deleted one cannot come back while its name is taken again.
    restore = testapp.post(f"{CATEGORIES}/{hair['id']}/restore", headers=admin.headers, status=409)
    assert assert_error(restore, 409, "conflict")["errors"] == {"name": ["Already taken"]}


def test_a_service_takes_the_business_currency_and_default_tax_rate(testapp, api, admin, dbsession):
    testapp.put_json("/api/modules/services/settings", {"default_tax_rate": "23.00"}, headers=admin.headers)
    created = api.service(admin, buffer_after_minutes=10, resource_types=["staff", "chair", "staff"])
    assert created["price"] == "45.00" and created["currency"] == "EUR" and created["tax_rate"] == "23.00"
    assert created["resource_types"] == ["staff", "chair"]
    assert (created["buffer_before_minutes"], created["buffer_after_minutes"]) == (0, 10)
    assert created["online_bookable"] is True and created["active"] is True and created["category_id"] is None
    row = dbsession.get(Service, uuid.UUID(created["id"]))
    assert row.business_id == admin.business.id and str(row.price) == "45.00" and row.resource_types == [
        "staff", "chair"]
    again = api.service(admin, name="Men's cut", currency="usd", tax_rate="6.00", resource_types=[])
    assert again["currency"] == "USD" and again["tax_rate"] == "6.00" and again["resource_types"] == []


def test_a_service_needs_staff_unless_told_otherwise_and_put_restores_defaults(testapp, api, admin):
    created = api.service(admin, tax_rate="13.00", online_bookable=False)
    assert created["resource_types"] == ["staff"]
    url = f"{SERVICES}/{created['id']}"
    patched = testapp.patch_json(url, {"price": "50.00"}, headers=admin.headers).json["data"]
    assert patched["price"] == "50.00" and patched["tax_rate"] == "13.00" and patched["online_bookable"] is False
    put = testapp.put_json(url, {"name": "Cut", "duration_minutes": 30, "price": "20.00"}, headers=admin.headers)
    data = put.json["data"]
    assert data["tax_rate"] == "0.00" and data["online_bookable"] is True and data["currency"] == "EUR"


@pytest.mark.parametrize("fields, field", [
    ({"duration_minutes": 4}, "duration_minutes"),
    ({"duration_minutes": 1441}, "duration_minutes"),
    ({"buffer_before_minutes": -1}, "buffer_before_minutes"),
    ({"buffer_after_minutes": 241}, "buffer_after_minutes"),
    ({"price": "-0.01"}, "price"),
    ({"price": 45.5}, "price"),
    ({"price": "1.234"}, "price"),
    ({"currency": "euro"}, "currency"),
    ({"tax_rate": "100.01"}, "tax_rate"),
    ({"tax_rate": "-1.00"}, "tax_rate"),
    ({"resource_types": ["Staff"]}, "resource_types.0"),
    ({"resource_types": ["staff", "two words"]}, "resource_types.1"),
    ({"online_bookable": "maybe"}, "online_bookable"),
    ({"name": "  "}, "name"),
    ({"category_id": "not-an-id"}, "category_id"),
])
def test_invalid_service_fields_are_field_errors(testapp, admin, fields, field):
    body = {"name": "Cut", "duration_minutes": 30, "price": "20.00", **fields}
    response = testapp.post_json(SERVICES, body, headers=admin.headers, status=400)
    assert field in assert_error(response, 400, "validation_error")["errors"]


def test_a_category_of_another_business_is_refused_as_if_it_did_not_exist(testapp, api, admin, factory):
    other = factory.caller(role="admin", business=factory.business())
    factory.enable_modules(other.business, "services")
    theirs = api.category(other)
    for category_id in (theirs["id"], "00000000-0000-0000-0000-000000000001"):
        response = testapp.post_json(SERVICES, {"name": "Cut", "duration_minutes": 30, "price": "20.00",
                                                "category_id": category_id}, headers=admin.headers, status=400)
        assert assert_error(response, 400, "validation_error")["errors"] == {"category_id": ["No such object"]}
    ours = api.category(admin)
    assert api.service(admin, category_id=ours["id"])["category_id"] == ours["id"]


def test_another_business_neither_sees_nor_changes_a_service(testapp, api, admin, factory):
    created = api.service(admin)
    other = factory.caller(role="admin", business=factory.business())
    factory.enable_modules(other.business, "services")
    url = f"{SERVICES}/{created['id']}"
    assert_error(testapp.get(url, headers=other.headers, status=404), 404, "not_found")
    assert_error(testapp.patch_json(url, {"price": "0.00"}, headers=other.headers, status=404), 404, "not_found")
    assert testapp.get(SERVICES, headers=other.headers).json["data"] == []
    assert testapp.get(url, headers=admin.headers).json["data"]["price"] == "45.00"


def test_services_are_searched_filtered_and_ordered(testapp, api, admin):
    hair = api.category(admin)
    api.service(admin, name="Women's cut", price="45.00", duration_minutes=60, category_id=hair["id"])
    api.service(admin, name="Beard trim", price="15.00", duration_minutes=20, category_id=hair["id"],
                description="Hot towel finish")
    api.service(admin, name="Sauna", price="20.00", duration_minutes=30, online_bookable=False, active=False)

    def names(query):
        return [s["name"] for s in testapp.get(f"{SERVICES}?{query}", headers=admin.headers).json["data"]]

    assert names("") == ["Beard trim", "Sauna", "Women's cut"]
    assert names("search=TOWEL") == ["Beard trim"]
    assert names("search=cut") == ["Women's cut"]
    assert names(f"category_id={hair['id']}&ordering=-price") == ["Women's cut", "Beard trim"]
    assert names("active=false") == ["Sauna"]
    assert names("online_bookable=true&ordering=duration_minutes") == ["Beard trim", "Women's cut"]
    assert names("ordering=price") == ["Beard trim", "Sauna", "Women's cut"]
    assert names("price__gte=20.00&ordering=-created_at") == ["Sauna", "Women's cut"]
    for query, field in (("ordering=tax_rate", "ordering"), ("tax_rate=1", "tax_rate"), ("active=perhaps", "active")):
        response = testapp.get(f"{SERVICES}?{query}", headers=admin.headers, status=400)
        assert field in assert_error(response, 400, "validation_error")["errors"]


def test_agents_read_the_catalogue_but_only_managers_change_it(testapp, api, admin, factory):
    agent = factory.caller(role="agent", business=admin.business)
    manager = factory.caller(role="manager", business=admin.business)
    created = api.service(manager)
    testapp.get(f"{SERVICES}/{created['id']}", headers=agent.headers)
    for call in (lambda: testapp.post_json(SERVICES, {"name": "X"}, headers=agent.headers, status=403),
                 lambda: testapp.patch_json(f"{SERVICES}/{created['id']}", {"price": "1.00"}, headers=agent.headers,
                                            status=403),
                 lambda: testapp.post_json(CATEGORIES, {"name": "X"}, headers=agent.headers, status=403),
                 lambda: testapp.delete(f"{SERVICES}/{created['id']}", headers=agent.headers, status=403)):
        assert_error(call(), 403, "permission_denied")
    subscriber = factory.caller(role="subscriber", business=admin.business)
    assert_error(testapp.get(SERVICES, headers=subscriber.headers, status=403), 403, "permission_denied")


def test_settings_are_validated_and_start_from_the_defaults(testapp, admin):
    url = "/api/modules/services/settings"
    assert testapp.get(url, headers=admin.headers).json["data"] == {"default_tax_rate": "0.00",
                                                                   "allow_online_booking": True}
    response = testapp.put_json(url, {"default_tax_rate": "101.00"}, headers=admin.headers, status=400)
    assert "default_tax_rate" in assert_error(response, 400, "validation_error")["errors"]
