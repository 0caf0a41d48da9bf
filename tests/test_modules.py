"""Per-business modules: listing, enabling with dependencies, disabling, settings, the gate, events."""

import pytest

from platform_core.testing.assertions import assert_error
from tests.support.sample_plugins import BETA_SAW


@pytest.fixture
def admin(factory):
    return factory.caller(role="admin")


def enable(testapp, caller, name, status=200):
    return testapp.post(f"/api/modules/{name}/enable", headers=caller.headers, status=status)


def test_a_new_business_starts_with_every_module_off(testapp, admin):
    listed = {m["name"]: m for m in testapp.get("/api/modules", headers=admin.headers).json["data"]}
    assert listed["alpha"] == {"name": "alpha", "title": "Alpha", "version": "1.2.0",
                               "description": "Test plugin A", "depends": [], "enabled": False}
    assert listed["beta"]["depends"] == ["alpha>=1.0"]
    assert not any(m["enabled"] for m in listed.values())


def test_enabling_switches_on_missing_dependencies_first(testapp, admin):
    data = enable(testapp, admin, "beta").json["data"]
    assert data["enabled"] == ["alpha", "beta"] and data["module"]["enabled"] is True
    assert enable(testapp, admin, "beta").json["data"]["enabled"] == []
    listed = {m["name"]: m["enabled"] for m in testapp.get("/api/modules", headers=admin.headers).json["data"]}
    assert listed["alpha"] and listed["beta"]


def test_disabling_a_needed_module_is_refused_unless_cascading(testapp, admin):
    enable(testapp, admin, "beta")
    refused = testapp.post("/api/modules/alpha/disable", headers=admin.headers, status=409)
    assert_error(refused, 409, "module_required_by")
    cascaded = testapp.post("/api/modules/alpha/disable?cascade=true", headers=admin.headers).json["data"]
    assert cascaded["disabled"] == ["beta", "alpha"]
    assert testapp.post("/api/modules/alpha/disable", headers=admin.headers).json["data"]["disabled"] == []


def test_every_route_of_a_disabled_plugin_answers_module_disabled(testapp, app, admin):
    plugin_routes = [
        (path, method) for key, service in app.registry.cornice_services.items()
        for path in ["/" + key.lstrip("/")] if path.split("/")[2:3] and path.split("/")[2] in ("alpha", "beta")
        for method in service.defined_methods if method not in ("HEAD", "OPTIONS")
    ]
    assert len(plugin_routes) == 3
    for path, method in plugin_routes:
        response = testapp.request(path, method=method, headers=admin.headers, expect_errors=True)
        assert_error(response, 403, "module_disabled")
    enable(testapp, admin, "beta")
    for path, method in plugin_routes:
        assert testapp.request(path, method=method, headers=admin.headers).status_int == 200


def test_the_gate_is_per_business(testapp, admin, factory):
    other = factory.caller(role="admin")
    enable(testapp, admin, "alpha")
    testapp.get("/api/alpha/ping", headers=admin.headers)
    assert_error(testapp.get("/api/alpha/ping", headers=other.headers, status=403), 403, "module_disabled")


def test_gate_comes_after_authentication(testapp):
    assert_error(testapp.get("/api/alpha/ping", status=401), 401, "not_authenticated")


def test_permissions_still_apply_inside_an_enabled_module(testapp, admin, factory):
    agent = factory.caller(role="agent", business=admin.business)
    enable(testapp, admin, "alpha")
    testapp.get("/api/alpha/ping", headers=agent.headers)
    assert_error(testapp.post("/api/alpha/ping", headers=agent.headers, status=403), 403, "permission_denied")


def test_only_admins_switch_modules(testapp, admin, factory):
    manager = factory.caller(role="manager", business=admin.business)
    assert_error(enable(testapp, manager, "alpha", status=403), 403, "permission_denied")


def test_unknown_module_is_not_found(testapp, admin):
    assert_error(enable(testapp, admin, "nope", status=404), 404, "not_found")


def test_disabling_keeps_settings_and_enabling_brings_them_back(testapp, admin):
    enable(testapp, admin, "alpha")
    assert testapp.get("/api/modules/alpha/settings", headers=admin.headers).json["data"] == {
        "greeting": "hello", "rounds": 1}
    testapp.put_json("/api/modules/alpha/settings", {"greeting": "olá", "rounds": 3}, headers=admin.headers)
    testapp.post("/api/modules/alpha/disable", headers=admin.headers)
    enable(testapp, admin, "alpha")
    assert testapp.get("/api/modules/alpha/settings", headers=admin.headers).json["data"] == {
        "greeting": "olá", "rounds": 3}


def test_settings_are_validated_by_the_plugins_schema(testapp, admin):
    response = testapp.put_json("/api/modules/alpha/settings", {"greeting": "x" * 50, "rounds": 0},
                                headers=admin.headers, status=400)
    body = assert_error(response, 400, "validation_error")
    assert set(body["errors"]) == {"greeting", "rounds"}
    no_schema = testapp.put_json("/api/modules/beta/settings", {"anything": 1}, headers=admin.headers, status=400)
    assert_error(no_schema, 400, "validation_error")


def test_enablement_is_seen_at_once_through_the_shared_cache(testapp, admin, redis):
    enable(testapp, admin, "alpha")
    testapp.get("/api/alpha/ping", headers=admin.headers)
    assert redis.get(f"modules:enabled:{admin.business.id}") is not None
    testapp.post("/api/modules/alpha/disable", headers=admin.headers)
    assert_error(testapp.get("/api/alpha/ping", headers=admin.headers, status=403), 403, "module_disabled")


def test_subscribers_of_a_disabled_plugin_are_not_called(testapp, admin, factory):
    other = factory.caller(role="admin")
    enable(testapp, admin, "beta")
    BETA_SAW.clear()
    testapp.post_json("/api/locations", {"name": "Seen"}, headers=admin.headers, status=201)
    testapp.post_json("/api/locations", {"name": "Unseen"}, headers=other.headers, status=201)
    assert BETA_SAW == [(admin.business.id, "Seen")]
    testapp.post("/api/modules/beta/disable", headers=admin.headers)
    testapp.post_json("/api/locations", {"name": "After"}, headers=admin.headers, status=201)
    assert BETA_SAW == [(admin.business.id, "Seen")]


def test_module_changes_are_audited(testapp, admin):
    enable(testapp, admin, "alpha")
    log = testapp.get("/api/audit-log?resource_type=business_modules", headers=admin.headers).json["data"]
    assert log[0]["action"] == "create" and log[0]["changes"]["module"] == [None, "alpha"]


def test_module_settings_are_redacted_in_the_audit_log(testapp, admin):
    enable(testapp, admin, "alpha")
    testapp.put_json("/api/modules/alpha/settings", {"greeting": "secret-ish"}, headers=admin.headers)
    log = testapp.get("/api/audit-log?resource_type=business_modules", headers=admin.headers).json["data"]
    assert "secret-ish" not in str(log)
    assert any(e["changes"].get("settings") == ["[redacted]", "[redacted]"] for e in log)
