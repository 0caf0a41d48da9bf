"""What the services tests share: a business that enabled the module, and short ways to fill it.

The platform's kit (``testapp``, ``factory``, ``dbsession``, ``clock``,
``live``) comes from platform-core's pytest plugin.
"""

from types import SimpleNamespace

import pytest

from platform_core.db.tenancy import UNSCOPED, set_tenant

ROOT = "/api/services"


@pytest.fixture
def admin(factory):
    """An admin of a business in euros that has enabled services (and with it clients)."""
    caller = factory.caller(role="admin", business=factory.business(currency="EUR"))
    factory.enable_modules(caller.business, "services")
    return caller


@pytest.fixture
def api(testapp):
    return ServicesApi(testapp)


class ServicesApi:
    """Creates catalogue rows, clients and sales through the HTTP API; each returns ``data``."""

    def __init__(self, testapp):
        self.testapp = testapp

    def post(self, caller, path, body, status=201):
        return self.testapp.post_json(ROOT + path, body, headers=caller.headers, status=status).json["data"]

    def category(self, caller, **fields):
        return self.post(caller, "/categories", {"name": "Hair", **fields})

    def service(self, caller, **fields):
        body = {"name": "Women's cut", "duration_minutes": 60, "price": "45.00", **fields}
        return self.post(caller, "/services", body)

    def package(self, caller, items, **fields):
        body = {"name": "Massage ritual", "price": "290.00", "validity_days": 30, "items": items, **fields}
        return self.post(caller, "/packages", body)

    def client(self, caller, first_name="Ana", **fields):
        return self.testapp.post_json("/api/clients/clients", {"first_name": first_name, **fields},
                                      headers=caller.headers, status=201).json["data"]

    def sell(self, caller, client, package, status=201):
        return self.post(caller, "/client-packages", {"client_id": client["id"], "package_id": package["id"]},
                         status)

    def consume(self, caller, sale, service, status=200, **fields):
        response = self.testapp.post_json(f"{ROOT}/client-packages/{sale['id']}/consume",
                                          {"service_id": service["id"], **fields}, headers=caller.headers,
                                          status=status)
        return response


@pytest.fixture
def sold(api, admin):
    """A package of 3 massages and 1 facial, sold to a client: ``(sale, massage, facial)``."""
    massage = api.service(admin, name="Swedish massage", price="65.00")
    facial = api.service(admin, name="Facial", price="70.00")
    package = api.package(admin, [{"service_id": massage["id"], "quantity": 3},
                                  {"service_id": facial["id"], "quantity": 1}])
    return api.sell(admin, api.client(admin), package), massage, facial


@pytest.fixture
def as_request(app, dbsession):
    """A request-like object acting as ``caller`` in its business, for calling ``api.py`` without HTTP.

    It scopes the test's ``dbsession`` to the business (arrange rows first).
    """

    def make(caller):
        set_tenant(dbsession, caller.business.id, caller.user.id)
        dbsession.info[UNSCOPED] = False
        return SimpleNamespace(dbsession=dbsession, registry=app.registry, redis=app.registry["redis"],
                               clock=app.registry["clock"], identity=SimpleNamespace(user_id=caller.user.id))

    return make
