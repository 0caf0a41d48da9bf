"""Input meant to break the platform gets the contract's 400, never a 500 or a raw crash."""

import pytest

from platform_core.testing.assertions import assert_error


@pytest.fixture
def admin(factory):
    return factory.caller(role="admin")


@pytest.mark.parametrize("raw", [
    '{"name": "\\ud800", "price": "1"}',          # a lone surrogate
    "[" * 5000 + "]" * 5000,                        # nesting deeper than any parser should follow
    '{"name": "a\\u0000b", "price": "1"}',         # NUL, which PostgreSQL cannot store
    b'{"name": "\xff\xfe", "price": "1"}',          # invalid UTF-8
])
def test_unreadable_bodies_are_bad_requests(testapp, raw):
    body = raw if isinstance(raw, bytes) else raw.encode()
    response = testapp.post("/api/_test/echo", body, content_type="application/json", status=400)
    assert_error(response, 400, "bad_request")
    assert response.headers["X-Request-Id"]


@pytest.mark.parametrize("query, field", [
    ("page=99999999999999999999", "page"),
    ("search=" + "x" * 201, "search"),
    ("created_at__gte=yesterday", "created_at__gte"),
])
def test_extreme_list_parameters_are_field_errors(testapp, admin, query, field):
    response = testapp.get(f"/api/locations?{query}", headers=admin.headers, status=400)
    assert field in assert_error(response, 400, "validation_error")["errors"]


def test_search_wildcards_are_literal(testapp, admin):
    testapp.post_json("/api/locations", {"name": "Chiado"}, headers=admin.headers)
    for wildcard in ("%", "_"):
        assert testapp.get(f"/api/locations?search={wildcard}", headers=admin.headers).json["data"] == []


def test_datetime_filters_respect_the_offset(testapp, admin, dbsession):
    created = testapp.post_json("/api/locations", {"name": "Chiado"}, headers=admin.headers).json["data"]
    at = created["created_at"]  # UTC, e.g. 2026-11-27T16:23:00.123+00:00
    from datetime import datetime, timedelta, timezone

    moment = datetime.fromisoformat(at)
    before_in_berlin = (moment - timedelta(minutes=1)).astimezone(timezone(timedelta(hours=2))).isoformat()
    after_in_berlin = (moment + timedelta(minutes=1)).astimezone(timezone(timedelta(hours=2))).isoformat()
    params = {"created_at__gte": before_in_berlin, "created_at__lte": after_in_berlin}
    assert len(testapp.get("/api/locations", params=params, headers=admin.headers).json["data"]) == 1


@pytest.mark.parametrize("price", ["NaN", "Infinity", "1e400", "99999999999.00"])
def test_money_that_is_not_a_sane_amount_is_refused(testapp, price):
    response = testapp.post_json("/api/_test/echo", {"name": "x", "price": price}, status=400)
    assert "price" in assert_error(response, 400, "validation_error")["errors"]


@pytest.mark.parametrize("body, field, message", [
    ({"name": 5, "price": "1"}, "name", "Must be text"),
    ({"name": ["a"], "price": "1"}, "name", "Must be text"),
    ({"name": "x", "price": "1", "lines": "one"}, "lines", "Must be a list"),
    ({"name": "x", "price": "1", "lines": [7]}, "lines.0", "Must be an object"),
    ({"name": "x", "price": "1", "lines": [{"sku": "A", "quantity": "two"}]}, "lines.0.quantity", "Must be a number"),
    ([], "_", "Must be an object"),
])
def test_a_value_of_the_wrong_json_type_gets_a_plain_field_message(testapp, body, field, message):
    response = testapp.post_json("/api/_test/echo", body, status=400)
    errors = assert_error(response, 400, "validation_error")["errors"]
    # colander's own message would quote Python's error (``5 is not a string: {'name': ''}``).
    assert errors == {field: [message]}
