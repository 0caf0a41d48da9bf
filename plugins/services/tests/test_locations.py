"""Per-location availability and prices of a service, over HTTP and through ``api.py``."""

import uuid

from sqlalchemy import func, select

from platform_core.testing.assertions import assert_error
from platform_services import api as services_api
from platform_services.models import ServiceLocation


def location(testapp, caller, name="Chiado"):
    return testapp.post_json("/api/locations", {"name": name}, headers=caller.headers, status=201).json["data"]


def url(service):
    return f"/api/services/services/{service['id']}/locations"


def test_a_location_can_stop_offering_a_service_or_charge_another_price(testapp, api, admin, dbsession):
    service = api.service(admin, price="45.00")
    chiado, avenidas = location(testapp, admin), location(testapp, admin, "Avenidas")
    assert testapp.get(url(service), headers=admin.headers).json["data"] == []
    closed = testapp.put_json(url(service), {"location_id": chiado["id"], "available": False},
                              headers=admin.headers).json["data"]
    assert closed["available"] is False and closed["price"] is None and closed["effective_price"] == "45.00"
    dearer = testapp.put_json(url(service), {"location_id": avenidas["id"], "price": "49.50"},
                              headers=admin.headers).json
    assert dearer["message"] == "Location terms saved"
    assert dearer["data"]["available"] is True and dearer["data"]["effective_price"] == "49.50"
    listed = testapp.get(url(service), headers=admin.headers).json
    assert {row["location_id"]: row["effective_price"] for row in listed["data"]} == {
        chiado["id"]: "45.00", avenidas["id"]: "49.50"}
    assert listed["meta"]["pagination"]["total"] == 2
    # Setting a location again changes its one row.
    testapp.put_json(url(service), {"location_id": avenidas["id"], "price": None}, headers=admin.headers)
    rows = dbsession.scalar(select(func.count()).select_from(ServiceLocation).where(
        ServiceLocation.service_id == uuid.UUID(service["id"])))
    assert rows == 2
    only = testapp.get(f"{url(service)}?location_id={avenidas['id']}", headers=admin.headers).json["data"]
    assert [(row["price"], row["effective_price"]) for row in only] == [(None, "45.00")]


def test_a_location_of_another_business_is_a_field_error(testapp, api, admin, factory):
    service = api.service(admin)
    other = factory.caller(role="admin", business=factory.business())
    theirs = location(testapp, other)
    for location_id in (theirs["id"], str(uuid.uuid4())):
        response = testapp.put_json(url(service), {"location_id": location_id}, headers=admin.headers, status=400)
        assert assert_error(response, 400, "validation_error")["errors"] == {"location_id": ["No such object"]}
    response = testapp.put_json(url(service), {"location_id": theirs["id"], "price": "-1.00"},
                                headers=admin.headers, status=400)
    assert "price" in assert_error(response, 400, "validation_error")["errors"]


def test_terms_of_another_business_service_are_not_found(testapp, api, admin, factory):
    service = api.service(admin)
    other = factory.caller(role="admin", business=factory.business())
    factory.enable_modules(other.business, "services")
    theirs = location(testapp, other)
    assert_error(testapp.get(url(service), headers=other.headers, status=404), 404, "not_found")
    response = testapp.put_json(url(service), {"location_id": theirs["id"]}, headers=other.headers, status=404)
    assert_error(response, 404, "not_found")


def test_agents_read_terms_but_do_not_set_them(testapp, api, admin, factory):
    service, chiado = api.service(admin), location(testapp, admin)
    agent = factory.caller(role="agent", business=admin.business)
    testapp.get(url(service), headers=agent.headers)
    response = testapp.put_json(url(service), {"location_id": chiado["id"]}, headers=agent.headers, status=403)
    assert_error(response, 403, "permission_denied")


def test_api_answers_price_availability_and_terms_at_a_location(testapp, api, admin, factory, as_request):
    testapp.put_json("/api/modules/services/settings", {"allow_online_booking": False}, headers=admin.headers)
    service = api.service(admin, price="45.00", buffer_before_minutes=5, buffer_after_minutes=10,
                          resource_types=["staff", "room"], tax_rate="23.00")
    retired = api.service(admin, name="Old", active=False)
    chiado, avenidas = location(testapp, admin), location(testapp, admin, "Avenidas")
    testapp.put_json(url(service), {"location_id": chiado["id"], "available": False}, headers=admin.headers)
    testapp.put_json(url(service), {"location_id": avenidas["id"], "price": "49.00"}, headers=admin.headers)
    other = factory.caller(role="admin", business=factory.business())
    elsewhere = location(testapp, other)
    request = as_request(admin)
    db = request.dbsession
    ids = {name: uuid.UUID(row["id"]) for name, row in (("service", service), ("retired", retired),
                                                        ("chiado", chiado), ("avenidas", avenidas),
                                                        ("elsewhere", elsewhere))}

    assert str(services_api.effective_price(db, ids["service"], ids["avenidas"])) == "49.00"
    assert str(services_api.effective_price(db, ids["service"], ids["chiado"])) == "45.00"
    assert services_api.effective_price(db, uuid.uuid4(), ids["chiado"]) is None
    assert services_api.is_available_at(db, ids["service"], ids["avenidas"]) is True
    assert services_api.is_available_at(db, ids["service"], ids["chiado"]) is False
    assert services_api.is_available_at(db, ids["retired"], ids["avenidas"]) is False
    assert services_api.is_available_at(db, ids["service"], ids["elsewhere"]) is False

    terms = services_api.service_terms(request, ids["service"], ids["avenidas"])
    assert (terms.duration_minutes, terms.blocked_minutes, terms.resource_types) == (60, 75, ("staff", "room"))
    assert str(terms.price) == "49.00" and terms.currency == "EUR" and str(terms.tax_rate) == "23.00"
    assert terms.available is True and terms.online_bookable is False  # the business switched online booking off
    assert services_api.service_terms(request, ids["service"], ids["chiado"]).available is False
    assert str(services_api.service_terms(request, ids["service"]).price) == "45.00"
    assert services_api.service_terms(request, uuid.uuid4()) is None
