"""Every route of the app, called by business B with business A's ids, leaks nothing of A.

The routes are enumerated from the running app (Cornice's service registry),
so routes that plugins add later are swept without editing this test; every
installed plugin is enabled for both businesses first. Public routes
(``/api/public/...``) are swept for leaks too, but are not lookups of the
caller's business (they have tests of their own).
"""

import re

import pytest


#: Routes that are about the caller, not about tenant data, or that need no ids.
NOT_TENANT_DATA = {"/api/schema", "/api/docs", "/api/redoc"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def tenant_a(factory, testapp):
    admin = factory.caller(role="admin", business=factory.business(name="Alpha Secret Salon"))
    location = testapp.post_json("/api/locations", {"name": "Alpha Secret Branch", "address": "7 Hidden Lane"},
                                 headers=admin.headers).json["data"]
    return admin, {"id": location["id"], "business_id": str(admin.business.id), "user_id": str(admin.user.id)}


def swept_routes(app):
    for key, service in sorted(app.registry.cornice_services.items()):
        path = "/" + key.lstrip("/")
        if path in NOT_TENANT_DATA or path.startswith("/api/_test"):
            continue
        for method in METHODS:
            if method in service.defined_methods:
                yield path, method


def test_sweep_covers_the_standard_resource_and_the_core(app):
    routes = {path for path, _ in swept_routes(app)}
    assert {"/api/locations", "/api/locations/{id}", "/api/locations/{id}/restore",
            "/api/audit-log", "/api/businesses/{business_id}/members"} <= routes


def enable_every_module(testapp, app, caller):
    for name in app.registry["plugins"]:
        testapp.post(f"/api/modules/{name}/enable", headers=caller.headers)


def test_business_b_sees_nothing_of_business_a(testapp, app, factory, tenant_a):
    admin_a, ids = tenant_a
    intruder = factory.caller(role="admin", business=factory.business(name="Beta Salon"))
    for caller in (admin_a, intruder):
        enable_every_module(testapp, app, caller)
    secrets = ["Alpha Secret", "Hidden Lane", ids["id"], ids["business_id"], admin_a.user.email]
    for path, method in swept_routes(app):
        url = re.sub(r"\{(\w+)\}", lambda match: ids.get(match.group(1), ids["id"]), path)
        response = testapp.request(url, method=method, headers=intruder.headers, body=b"{}",
                                   content_type="application/json", expect_errors=True)
        for secret in secrets:
            assert secret not in response.text, f"{method} {path} leaked {secret!r}: {response.text[:300]}"
        if "{" in path and method == "GET" and not path.startswith("/api/public/"):
            assert response.status_int == 404, f"{method} {path} answered {response.status_int}"
    # Nothing of A was changed by B's attempts.
    testapp.get(f"/api/locations/{ids['id']}", headers=admin_a.headers)
