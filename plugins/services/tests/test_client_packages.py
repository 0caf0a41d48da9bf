"""Client packages: selling a package, consuming its sessions, and following a client merge."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from platform_core.testing.assertions import assert_error
from platform_services import api as services_api
from platform_services.events import PackageConsumed, PackageSold
from platform_services.models import ClientPackage, ClientPackageBalance, ClientPackageUsage

SALES = "/api/services/client-packages"


def balances(dbsession, sale):
    rows = dbsession.scalars(select(ClientPackageBalance).where(
        ClientPackageBalance.client_package_id == uuid.UUID(sale["id"])).execution_options(populate_existing=True))
    return {str(row.service_id): row.remaining for row in rows}


def usages(dbsession, sale):
    return dbsession.scalars(select(ClientPackageUsage).where(
        ClientPackageUsage.client_package_id == uuid.UUID(sale["id"])).order_by(ClientPackageUsage.at)).all()


class Heard:
    """Collects the events of one type the app publishes during a test."""

    def __init__(self, registry, event_type):
        self.registry, self.event_type, self.events = registry, event_type, []
        registry.registerHandler(self.events.append, (event_type,))

    def close(self):
        self.registry.unregisterHandler(self.events.append, (self.event_type,))


def test_selling_copies_the_package_and_starts_its_validity_now(testapp, api, admin, clock, app, dbsession):
    massage, facial = api.service(admin, name="Massage"), api.service(admin, name="Facial")
    package = api.package(admin, [{"service_id": massage["id"], "quantity": 3},
                                  {"service_id": facial["id"], "quantity": 1}], validity_days=90)
    client = api.client(admin)
    heard = Heard(app.registry, PackageSold)
    try:
        response = testapp.post_json(SALES, {"client_id": client["id"], "package_id": package["id"]},
                                     headers=admin.headers, status=201).json
    finally:
        heard.close()
    sale = response["data"]
    assert response["message"] == "Package sold"
    now = clock.now()
    assert datetime.fromisoformat(sale["purchased_at"]) == now
    assert datetime.fromisoformat(sale["expires_at"]) == now + timedelta(days=90)
    assert (sale["client_id"], sale["package_id"], sale["name"], sale["price"], sale["currency"]) == (
        client["id"], package["id"], "Massage ritual", "290.00", "EUR")
    assert sale["balances"] == [{"service_id": massage["id"], "quantity": 3, "remaining": 3},
                                {"service_id": facial["id"], "quantity": 1, "remaining": 1}]
    assert sale["created_by"] == str(admin.user.id)
    assert [str(event.client_package.id) for event in heard.events] == [sale["id"]]
    # Later edits of the package do not change what was sold.
    testapp.patch_json(f"/api/services/packages/{package['id']}", {"name": "Renamed", "price": "1.00", "items": [
        {"service_id": massage["id"], "quantity": 10}]}, headers=admin.headers)
    again = testapp.get(f"{SALES}/{sale['id']}", headers=admin.headers).json["data"]
    assert (again["name"], again["price"], again["balances"]) == ("Massage ritual", "290.00", sale["balances"])
    row = dbsession.get(ClientPackage, uuid.UUID(sale["id"]))
    assert row.business_id == admin.business.id


def test_a_sale_needs_a_client_and_an_active_package_of_the_business(testapp, api, admin, factory):
    massage = api.service(admin)
    package = api.package(admin, [{"service_id": massage["id"]}])
    client = api.client(admin)
    other = factory.caller(role="admin", business=factory.business())
    factory.enable_modules(other.business, "services")
    their_client = api.client(other, first_name="Zoe")
    their_package = api.package(other, [{"service_id": api.service(other)["id"]}])
    for body, field in (({"client_id": their_client["id"], "package_id": package["id"]}, "client_id"),
                        ({"client_id": client["id"], "package_id": their_package["id"]}, "package_id"),
                        ({"client_id": str(uuid.uuid4()), "package_id": package["id"]}, "client_id")):
        response = testapp.post_json(SALES, body, headers=admin.headers, status=400)
        assert assert_error(response, 400, "validation_error")["errors"] == {field: ["No such object"]}
    response = testapp.post_json(SALES, {"client_id": "x"}, headers=admin.headers, status=400)
    assert set(assert_error(response, 400, "validation_error")["errors"]) == {"client_id", "package_id"}
    testapp.patch_json(f"/api/services/packages/{package['id']}", {"active": False}, headers=admin.headers)
    response = testapp.post_json(SALES, {"client_id": client["id"], "package_id": package["id"]},
                                 headers=admin.headers, status=409)
    assert assert_error(response, 409, "conflict")["errors"] == {"package_id": ["The package is inactive"]}


def test_sales_are_listed_by_client_and_hidden_from_other_businesses(testapp, api, admin, factory):
    package = api.package(admin, [{"service_id": api.service(admin)["id"]}])
    ana, bruno = api.client(admin), api.client(admin, first_name="Bruno")
    first, second = api.sell(admin, ana, package), api.sell(admin, bruno, package)
    listed = testapp.get(f"{SALES}?client_id={ana['id']}", headers=admin.headers).json
    assert [s["id"] for s in listed["data"]] == [first["id"]] and listed["meta"]["pagination"]["total"] == 1
    assert {s["id"] for s in testapp.get(SALES, headers=admin.headers).json["data"]} == {first["id"], second["id"]}
    other = factory.caller(role="admin", business=factory.business())
    factory.enable_modules(other.business, "services")
    assert testapp.get(SALES, headers=other.headers).json["data"] == []
    for path in (f"{SALES}/{first['id']}", f"{SALES}/{first['id']}/usages"):
        assert_error(testapp.get(path, headers=other.headers, status=404), 404, "not_found")
    response = testapp.post_json(f"{SALES}/{first['id']}/consume", {"service_id": str(uuid.uuid4())},
                                 headers=other.headers, status=404)
    assert_error(response, 404, "not_found")
    # Sales are records: there is no route to edit or delete one.
    testapp.patch_json(f"{SALES}/{first['id']}", {"client_id": bruno["id"]}, headers=admin.headers, status=405)
    testapp.delete(f"{SALES}/{first['id']}", headers=admin.headers, status=405)


def test_consuming_takes_sessions_and_records_who_when_and_why(testapp, api, admin, sold, clock, app, dbsession):
    sale, massage, facial = sold
    heard = Heard(app.registry, PackageConsumed)
    try:
        body = api.consume(admin, sale, massage, quantity=2, reference="appointment-17").json
    finally:
        heard.close()
    assert body["message"] == "Sessions used"
    assert body["data"]["balances"] == [{"service_id": massage["id"], "quantity": 3, "remaining": 1},
                                        {"service_id": facial["id"], "quantity": 1, "remaining": 1}]
    usage = body["meta"]["usage"]
    assert (usage["service_id"], usage["quantity"], usage["remaining_after"], usage["reference"]) == (
        massage["id"], 2, 1, "appointment-17")
    assert usage["actor_id"] == str(admin.user.id) and datetime.fromisoformat(usage["at"]) == clock.now()
    assert balances(dbsession, sale) == {massage["id"]: 1, facial["id"]: 1}
    (row,) = usages(dbsession, sale)
    assert (row.quantity, row.reference, row.actor_id, row.business_id) == (2, "appointment-17", admin.user.id,
                                                                            admin.business.id)
    (event,) = heard.events
    assert (str(event.client_package_id), str(event.service_id), event.quantity, event.remaining,
            event.reference, event.client_id) == (sale["id"], massage["id"], 2, 1, "appointment-17",
                                                  uuid.UUID(sale["client_id"]))
    clock.advance(minutes=5)
    api.consume(admin, sale, facial)
    listed = testapp.get(f"{SALES}/{sale['id']}/usages", headers=admin.headers).json
    assert [(u["service_id"], u["quantity"], u["reference"]) for u in listed["data"]] == [
        (facial["id"], 1, None), (massage["id"], 2, "appointment-17")]
    assert listed["meta"]["pagination"]["total"] == 2


def test_consuming_more_than_remains_is_refused_and_changes_nothing(testapp, api, admin, sold, dbsession):
    sale, massage, facial = sold
    api.consume(admin, sale, massage, quantity=3)
    for service, quantity, message in ((massage, 1, "Only 0 sessions of that service remain"),
                                       (facial, 2, "Only 1 session of that service remain")):
        body = assert_error(api.consume(admin, sale, service, status=409, quantity=quantity), 409,
                            "package_exhausted")
        assert body["errors"] == {"quantity": [message]}
    assert balances(dbsession, sale) == {massage["id"]: 0, facial["id"]: 1}
    assert len(usages(dbsession, sale)) == 1


def test_consuming_a_service_outside_the_package_or_a_bad_quantity_is_a_field_error(testapp, api, admin, sold):
    sale, massage, _ = sold
    brows = api.service(admin, name="Brows")
    body = assert_error(api.consume(admin, sale, brows, status=400), 400, "validation_error")
    assert body["errors"] == {"service_id": ["This package does not include that service"]}
    for quantity in (0, 101, "two"):
        body = assert_error(api.consume(admin, sale, massage, status=400, quantity=quantity), 400, "validation_error")
        assert "quantity" in body["errors"]
    body = assert_error(api.consume(admin, sale, massage, status=400, reference="x" * 101), 400, "validation_error")
    assert "reference" in body["errors"]


def test_an_expired_package_cannot_be_consumed(testapp, api, admin, sold, clock, dbsession):
    sale, massage, _ = sold
    clock.advance(days=30, seconds=-1)
    api.consume(admin, sale, massage)
    clock.advance(seconds=1)
    body = assert_error(api.consume(admin, sale, massage, status=409), 409, "conflict")
    assert "expired" in body["message"]
    assert balances(dbsession, sale)[massage["id"]] == 2


def test_agents_sell_and_consume_but_subscribers_do_not(testapp, api, admin, factory):
    massage = api.service(admin)
    package = api.package(admin, [{"service_id": massage["id"], "quantity": 2}])
    agent = factory.caller(role="agent", business=admin.business)
    sale = api.sell(agent, api.client(agent), package)
    api.consume(agent, sale, massage)
    subscriber = factory.caller(role="subscriber", business=admin.business)
    assert_error(testapp.get(SALES, headers=subscriber.headers, status=403), 403, "permission_denied")
    assert_error(api.consume(subscriber, sale, massage, status=403), 403, "permission_denied")


def test_api_consumes_from_the_package_that_expires_first(testapp, api, admin, as_request, dbsession):
    massage = api.service(admin)
    short = api.package(admin, [{"service_id": massage["id"], "quantity": 1}], name="Short", validity_days=10)
    long = api.package(admin, [{"service_id": massage["id"], "quantity": 5}], name="Long", validity_days=100)
    client = api.client(admin)
    long_sale, short_sale = api.sell(admin, client, long), api.sell(admin, client, short)
    request = as_request(admin)
    client_id, massage_id = uuid.UUID(client["id"]), uuid.UUID(massage["id"])
    usable = services_api.usable_packages(request, client_id, massage_id)
    assert [str(sale.id) for sale in usable] == [short_sale["id"], long_sale["id"]]
    usage = services_api.consume_package(request, usable[0].id, massage_id, 1, "appointment-1")
    assert usage.remaining_after == 0 and usage.actor_id == admin.user.id
    assert [str(s.id) for s in services_api.usable_packages(request, client_id, massage_id)] == [long_sale["id"]]
    assert services_api.usable_packages(request, client_id, massage_id, quantity=6) == []


def test_a_merge_moves_the_duplicate_s_packages_even_with_services_switched_off(testapp, api, admin, sold,
                                                                                dbsession):
    sale, massage, _ = sold
    duplicate_id = sale["client_id"]
    survivor = api.client(admin, first_name="Ana Maria")
    testapp.post("/api/modules/services/disable", headers=admin.headers)
    testapp.post_json(f"/api/clients/clients/{survivor['id']}/merge", {"duplicate_id": duplicate_id},
                      headers=admin.headers)
    row = dbsession.get(ClientPackage, uuid.UUID(sale["id"]), populate_existing=True)
    assert str(row.client_id) == survivor["id"]
    testapp.post("/api/modules/services/enable", headers=admin.headers)
    moved = testapp.get(f"{SALES}?client_id={survivor['id']}", headers=admin.headers).json["data"]
    assert [s["id"] for s in moved] == [sale["id"]] and moved[0]["balances"][0]["remaining"] == 3
    assert testapp.get(f"{SALES}?client_id={duplicate_id}", headers=admin.headers).json["data"] == []
    api.consume(admin, sale, massage)
