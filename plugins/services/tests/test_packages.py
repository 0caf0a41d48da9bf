"""Packages: bundles of sessions of some services, with their lines in a child table."""

import uuid

import pytest
from sqlalchemy import select

from platform_core.testing.assertions import assert_error
from platform_services.models import PackageItem

PACKAGES = "/api/services/packages"


@pytest.fixture
def menu(api, admin):
    return {name: api.service(admin, name=name) for name in ("Massage", "Facial", "Brows")}


def lines(dbsession, package):
    rows = dbsession.scalars(select(PackageItem).where(PackageItem.package_id == uuid.UUID(package["id"]))
                             .order_by(PackageItem.position))
    return [(str(row.service_id), row.quantity) for row in rows]


def test_a_package_shows_its_lines_in_order_and_stores_them(testapp, api, admin, menu, dbsession):
    created = api.package(admin, [{"service_id": menu["Facial"]["id"], "quantity": 4},
                                  {"service_id": menu["Brows"]["id"]}], name="Glow course", description="Monthly")
    assert created["items"] == [{"service_id": menu["Facial"]["id"], "quantity": 4},
                                {"service_id": menu["Brows"]["id"], "quantity": 1}]
    assert (created["price"], created["currency"], created["validity_days"]) == ("290.00", "EUR", 30)
    assert created["active"] is True
    assert lines(dbsession, created) == [(menu["Facial"]["id"], 4), (menu["Brows"]["id"], 1)]
    read = testapp.get(f"{PACKAGES}/{created['id']}", headers=admin.headers).json["data"]
    assert read["items"] == created["items"]
    listed = testapp.get(f"{PACKAGES}?search=glow", headers=admin.headers).json["data"]
    assert [p["items"] for p in listed] == [created["items"]]


def test_changing_the_lines_replaces_them_and_leaving_them_out_keeps_them(testapp, api, admin, menu, dbsession):
    created = api.package(admin, [{"service_id": menu["Massage"]["id"], "quantity": 5},
                                  {"service_id": menu["Facial"]["id"], "quantity": 1}])
    kept = dbsession.scalar(select(PackageItem.id).where(PackageItem.service_id == uuid.UUID(menu["Facial"]["id"])))
    url = f"{PACKAGES}/{created['id']}"
    items = [{"service_id": menu["Facial"]["id"], "quantity": 2}, {"service_id": menu["Brows"]["id"], "quantity": 3}]
    patched = testapp.patch_json(url, {"items": items}, headers=admin.headers).json["data"]
    assert patched["items"] == items
    assert lines(dbsession, created) == [(menu["Facial"]["id"], 2), (menu["Brows"]["id"], 3)]
    assert dbsession.scalar(select(PackageItem.id).where(
        PackageItem.service_id == uuid.UUID(menu["Facial"]["id"]))) == kept
    renamed = testapp.patch_json(url, {"name": "Renamed", "price": "300.00"}, headers=admin.headers).json["data"]
    assert renamed["items"] == items and renamed["price"] == "300.00"


@pytest.mark.parametrize("change, field", [
    (lambda items: [], "items"),
    (lambda items: None, "items"),
    (lambda items: [{**items[0], "quantity": 0}], "items.0.quantity"),
    (lambda items: [{**items[0], "quantity": 101}], "items.0.quantity"),
    (lambda items: [{"quantity": 1}], "items.0.service_id"),
    (lambda items: [items[0], {"service_id": "nope"}], "items.1.service_id"),
])
def test_invalid_lines_are_field_errors(testapp, admin, menu, change, field):
    items = change([{"service_id": menu["Massage"]["id"], "quantity": 1}])
    body = {"name": "P", "price": "10.00", "validity_days": 30, **({"items": items} if items is not None else {})}
    response = testapp.post_json(PACKAGES, body, headers=admin.headers, status=400)
    assert field in assert_error(response, 400, "validation_error")["errors"]


def test_a_line_must_name_a_live_service_of_the_business_once(testapp, api, admin, menu, factory):
    other = factory.caller(role="admin", business=factory.business())
    factory.enable_modules(other.business, "services")
    theirs = api.service(other)
    retired = api.service(admin, name="Retired")
    testapp.delete(f"/api/services/services/{retired['id']}", headers=admin.headers)
    massage = menu["Massage"]["id"]
    body = {"name": "P", "price": "10.00", "validity_days": 30, "items": [
        {"service_id": massage}, {"service_id": theirs["id"]}, {"service_id": retired["id"]},
        {"service_id": massage}]}
    response = testapp.post_json(PACKAGES, body, headers=admin.headers, status=400)
    assert assert_error(response, 400, "validation_error")["errors"] == {
        "items.1.service_id": ["No such object"], "items.2.service_id": ["No such object"],
        "items.3.service_id": ["Listed twice; give one line per service"]}


@pytest.mark.parametrize("fields, field", [
    ({"validity_days": 0}, "validity_days"), ({"validity_days": 3651}, "validity_days"),
    ({"price": "-5.00"}, "price"), ({"price": 5.0}, "price"), ({"currency": "EU"}, "currency"),
])
def test_invalid_package_fields_are_field_errors(testapp, admin, menu, fields, field):
    body = {"name": "P", "price": "10.00", "validity_days": 30, "items": [{"service_id": menu["Massage"]["id"]}],
            **fields}
    response = testapp.post_json(PACKAGES, body, headers=admin.headers, status=400)
    assert field in assert_error(response, 400, "validation_error")["errors"]


def test_package_names_are_unique_and_other_businesses_do_not_see_them(testapp, api, admin, menu, factory):
    created = api.package(admin, [{"service_id": menu["Massage"]["id"]}])
    body = {"name": "Massage ritual", "price": "1.00", "validity_days": 1,
            "items": [{"service_id": menu["Facial"]["id"]}]}
    response = testapp.post_json(PACKAGES, body, headers=admin.headers, status=409)
    assert assert_error(response, 409, "conflict")["errors"] == {"name": ["Already taken"]}
    other = factory.caller(role="admin", business=factory.business())
    factory.enable_modules(other.business, "services")
    assert_error(testapp.get(f"{PACKAGES}/{created['id']}", headers=other.headers, status=404), 404, "not_found")
    assert testapp.get(PACKAGES, headers=other.headers).json["data"] == []
