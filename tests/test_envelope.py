"""The envelope and the contract's error codes, as a client sees them."""

import json

import pytest

from platform_core.testing.assertions import assert_error as assert_kit_error

#: What the probe route's exception carries; none of it may reach the client.
PROBE_SECRETS = ("/etc/passwd", "SELECT", "RuntimeError")


def assert_error(response, status, code):
    body = assert_kit_error(response, status, code)
    for marker in PROBE_SECRETS:
        assert marker not in response.text
    return body


def test_success_is_wrapped_in_the_envelope(testapp):
    response = testapp.post_json("/api/_test/echo", {"name": "Cut", "price": "12.50"})
    assert response.json == {"data": {"name": "Cut", "price": "12.50"}, "message": "OK", "meta": {}}


def test_unknown_route_is_not_found(testapp):
    assert_error(testapp.get("/api/no/such/route", status=404), 404, "not_found")


def test_wrong_method_is_method_not_allowed_with_allow_header(testapp):
    response = testapp.delete("/api/health", status=405)
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_missing_and_invalid_fields_are_reported_per_field(testapp):
    response = testapp.post_json("/api/_test/echo", {"price": "-1"}, status=400)
    body = assert_error(response, 400, "validation_error")
    assert body["errors"]["name"] == ["Required"]
    assert len(body["errors"]["price"]) == 1 and "0" in body["errors"]["price"][0]


def test_nested_field_errors_use_dotted_names(testapp):
    payload = {"name": "x", "price": "1", "lines": [{"sku": "A", "quantity": 2}, {"sku": "", "quantity": 0}]}
    body = assert_error(testapp.post_json("/api/_test/echo", payload, status=400), 400, "validation_error")
    assert set(body["errors"]) == {"lines.1.sku", "lines.1.quantity"}


def test_invalid_query_value_is_a_validation_error(testapp):
    body = assert_error(
        testapp.post_json("/api/_test/echo?verbose=perhaps", {"name": "x", "price": "1"}, status=400),
        400, "validation_error",
    )
    assert "verbose" in body["errors"]


@pytest.mark.parametrize("raw", ["{not json", '{"name": "x",}', "\x00\x01"])
def test_malformed_json_is_a_bad_request(testapp, raw):
    response = testapp.post("/api/_test/echo", raw, content_type="application/json", status=400)
    body = assert_error(response, 400, "bad_request")
    assert "name" not in body["errors"]


def test_form_body_on_json_route_is_a_bad_request(testapp):
    response = testapp.post("/api/_test/echo", {"name": "x", "price": "1"}, status=400)
    body = assert_error(response, 400, "bad_request")
    assert body["errors"] == {"Content-Type": ["Send the body as application/json"]}


def test_json_array_where_object_expected_is_a_validation_error(testapp):
    response = testapp.post("/api/_test/echo", json.dumps([1, 2]), content_type="application/json", status=400)
    assert_error(response, 400, "validation_error")


def test_unexpected_exception_is_a_plain_server_error_and_logged_with_request_id(testapp, caplog):
    response = testapp.get("/api/_test/boom", headers={"X-Request-Id": "probe-42"}, status=500)
    assert_error(response, 500, "server_error")
    assert response.headers["X-Request-Id"] == "probe-42"
    logged = [record for record in caplog.records if record.levelname == "ERROR"]
    assert logged and logged[-1].exc_info is not None


def test_domain_error_carries_its_code_and_field(testapp):
    body = assert_error(testapp.get("/api/_test/conflict", status=409), 409, "conflict")
    assert body["errors"] == {"name": ["Already taken"]}


def test_every_response_has_a_request_id(testapp):
    first = testapp.get("/api/health").headers["X-Request-Id"]
    second = testapp.get("/api/nothing", status=404).headers["X-Request-Id"]
    assert first and second and first != second


def test_request_id_from_client_is_echoed_only_when_sane(testapp):
    assert testapp.get("/api/health", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == "abc-123"
    hostile = "x" * 500
    assert testapp.get("/api/health", headers={"X-Request-Id": hostile}).headers["X-Request-Id"] != hostile
