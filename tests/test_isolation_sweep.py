"""Every route of the app, called by business B with business A's real ids, leaks and changes nothing.

Business A is the demo business: the core's and every installed plugin's demo
data, so each collection has real rows. The routes are enumerated from the
running app (Cornice's service registry) and each ``{id}`` is filled with a
row of the collection the path belongs to, so routes that plugins add later
are swept without editing this test. Every installed plugin is enabled for
both businesses. Public routes (``/api/public/...``) are swept for leaks too,
but are not lookups of the caller's business (they have tests of their own).
"""

import re

import pytest
from pyramid.scripting import prepare
from sqlalchemy import func, select

from platform_core.db.tenancy import unscoped
from platform_core.modules.demo import DEMO_EMAIL, create_demo

NOT_TENANT_DATA = {"/api/schema", "/api/docs", "/api/redoc"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: Path parameters that name an object of the caller's business (a lookup: 404 for another's).
LOOKUP_PARAMETERS = ("id", "business_id", "user_id", "resource_id", "exception_id")


@pytest.fixture
def business_a(app, db_connection, redis):
    """The demo business with every plugin's demo data, committed inside the test's transaction."""
    env = prepare(registry=app.registry)
    try:
        with env["request"].tm:
            context = create_demo(env["request"], progress=lambda line: None)
            business, admin = context.business, context.admin
    finally:
        env["closer"]()
    return business, admin


def swept_routes(app):
    for key, service in sorted(app.registry.cornice_services.items()):
        path = "/" + key.lstrip("/")
        if path in NOT_TENANT_DATA or path.startswith("/api/_test"):
            continue
        for method in METHODS:
            if method in service.defined_methods:
                yield path, method


def a_row_for(path, app, dbsession, business_id, fallback):
    """The id of one of A's rows of the collection ``path`` belongs to (its longest collection prefix)."""
    collections = app.registry.get("standard_resources", {})
    owners = [c for c in collections if path.startswith(c + "/")]
    if not owners:
        return fallback
    model = collections[max(owners, key=len)].model
    with unscoped(dbsession):
        row = dbsession.scalar(select(model.id).where(model.business_id == business_id).limit(1)
                               .execution_options(include_deleted=True))
    return str(row) if row else fallback


def snapshot(app, dbsession, business_id):
    """Row count and newest change of each of A's collections."""
    state = {}
    with unscoped(dbsession):
        for path, resource in app.registry.get("standard_resources", {}).items():
            model = resource.model
            state[path] = dbsession.execute(
                select(func.count(), func.max(model.updated_at)).where(model.business_id == business_id)
                .execution_options(include_deleted=True)).one()
    return state


PLACEHOLDER = re.compile(r"\{(\w+)(?::[^{}]*(?:\{[^{}]*\}[^{}]*)*)?\}")


def test_sweep_covers_the_standard_resources_and_the_core(app):
    routes = {PLACEHOLDER.sub(r"{\1}", path) for path, _ in swept_routes(app)}
    assert {"/api/locations", "/api/locations/{id}", "/api/locations/{id}/restore",
            "/api/audit-log", "/api/businesses/{business_id}/members"} <= routes
    assert set(app.registry["standard_resources"]) <= routes


def test_business_b_sees_and_changes_nothing_of_business_a(testapp, app, factory, dbsession, business_a):
    business, admin_a = business_a
    intruder = factory.caller(role="admin", business=factory.business(name="Beta Salon"))
    for name in app.registry["plugins"]:
        testapp.post(f"/api/modules/{name}/enable", headers=intruder.headers)
    before = snapshot(app, dbsession, business.id)
    assert sum(count for count, _ in before.values()) > 50, "the demo data should fill the collections"

    # Public routes are opened on B's own portal: it must show nothing of A.
    common = {"business_id": str(business.id), "user_id": str(admin_a.id), "business_slug": intruder.business.slug,
              "name": next(iter(app.registry["plugins"]), "x")}
    secrets = [business.name, DEMO_EMAIL, str(business.id), str(admin_a.id)]
    for path, method in swept_routes(app):
        filled = {}

        def fill(match):
            parameter = match.group(1)
            value = common.get(parameter) or a_row_for(path, app, dbsession, business.id, str(business.id))
            filled[parameter] = value
            return value

        url = PLACEHOLDER.sub(fill, path)
        response = testapp.request(url, method=method, headers=intruder.headers, body=b"{}",
                                   content_type="application/json", expect_errors=True)
        for secret in [*secrets, *filled.values()]:
            if secret in (common["name"], common["business_slug"]):
                continue
            assert secret not in response.text, f"{method} {path} leaked {secret!r}: {response.text[:300]}"
        lookup = any(p in filled for p in LOOKUP_PARAMETERS)
        if lookup and method == "GET" and not path.startswith("/api/public/"):
            assert response.status_int == 404, f"{method} {url} answered {response.status_int}"
    assert snapshot(app, dbsession, business.id) == before, "B's requests changed A's data"
