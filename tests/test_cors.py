"""CORS on /api, as a browser on an allowed or a foreign origin sees it."""

import warnings

import pytest
import webtest
from pyramid.exceptions import ConfigurationError

from platform_core import main

ALLOWED = "https://app.example.com"
FOREIGN = "https://evil.example.net"


@pytest.fixture(scope="module")
def cors_app(app, app_settings):
    """The app with one allowed origin; ``app`` is a dependency so the database is migrated."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        application = main({}, **app_settings, **{"cors.origins": ALLOWED, "cors.max_age": "300"})
    yield webtest.TestApp(application, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    application.registry["db_engine"].dispose()
    application.registry["db_read_engine"].dispose()


def preflight(testapp, path, origin, status, method="GET"):
    return testapp.options(path, headers={
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type",
    }, status=status)


def cors_headers(response):
    return {name for name in response.headers if name.lower().startswith("access-control-")}


def assert_allowed(response):
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers["Access-Control-Expose-Headers"] == "X-Request-Id, Retry-After"
    assert "Origin" in response.headers["Vary"]
    # Bearer tokens, not cookies: credentials are never allowed.
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_allowed_origin_gets_cors_headers_on_success(cors_app):
    response = cors_app.get("/api/health", headers={"Origin": ALLOWED})
    assert response.status_int == 200
    assert_allowed(response)


def test_allowed_origin_gets_cors_headers_on_an_error_in_the_envelope(cors_app):
    response = cors_app.get("/api/no/such/route", headers={"Origin": ALLOWED}, status=404)
    assert response.json["code"] == "not_found"
    assert_allowed(response)
    assert response.headers["X-Request-Id"]


def test_preflight_from_allowed_origin_is_answered_before_authentication(cors_app):
    response = preflight(cors_app, "/api/auth/me", ALLOWED, status=204, method="DELETE")
    assert_allowed(response)
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST, PUT, PATCH, DELETE, OPTIONS"
    allow_headers = response.headers["Access-Control-Allow-Headers"]
    assert allow_headers == "Authorization, Content-Type, X-Business-Id, X-Request-Id"
    assert response.headers["Access-Control-Max-Age"] == "300"
    assert response.body == b"" and "WWW-Authenticate" not in response.headers
    assert response.headers["X-Request-Id"]


def test_foreign_origin_gets_no_cors_headers(cors_app):
    response = cors_app.get("/api/health", headers={"Origin": FOREIGN})
    assert response.status_int == 200
    assert cors_headers(response) == set()


def test_preflight_from_foreign_origin_is_refused_in_the_envelope(cors_app):
    response = preflight(cors_app, "/api/auth/me", FOREIGN, status=403)
    assert response.json == {
        "data": None, "message": "This origin may not call the API", "code": "permission_denied", "errors": {},
    }
    assert cors_headers(response) == set()


def test_request_without_origin_gets_no_cors_headers_but_varies_on_origin(cors_app):
    response = cors_app.get("/api/health")
    assert cors_headers(response) == set()
    # A shared cache must not serve this header-less copy to an allowed origin.
    assert "Origin" in response.headers["Vary"]


def test_cors_is_off_without_configured_origins(testapp):
    response = testapp.get("/api/health", headers={"Origin": ALLOWED})
    assert cors_headers(response) == set() and "Vary" not in response.headers
    assert preflight(testapp, "/api/auth/me", ALLOWED, status=405).json["code"] == "method_not_allowed"


@pytest.mark.parametrize("origin", ["https://app.example.com/", "*", "app.example.com", "https://app.example.com/path"])
def test_an_origin_setting_that_can_never_match_refuses_to_start(app_settings, origin):
    with pytest.raises(ConfigurationError, match="cors.origins"):
        main({}, **app_settings, **{"cors.origins": origin})
