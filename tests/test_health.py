"""GET /api/health checks the database and Redis for real."""

from redis import Redis
from sqlalchemy import create_engine


def unreachable_database():
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    return create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2})


def unreachable_redis():
    return Redis(host="127.0.0.1", port=1, socket_connect_timeout=1, socket_timeout=1)


def test_health_reports_both_services_ok(testapp):
    response = testapp.get("/api/health")
    assert response.json == {"data": {"database": "ok", "redis": "ok"}, "message": "OK", "meta": {}}


def test_health_is_503_when_the_database_is_down(testapp, app, monkeypatch):
    monkeypatch.setitem(app.registry, "db_read_engine", unreachable_database())
    response = testapp.get("/api/health", status=503)
    assert response.json["code"] == "unavailable"
    assert response.json["data"] == {"database": "down", "redis": "ok"}
    assert response.json["errors"] == {"database": ["The database is unreachable"]}


def test_health_is_503_when_redis_is_down(testapp, app, monkeypatch):
    monkeypatch.setitem(app.registry, "redis", unreachable_redis())
    response = testapp.get("/api/health", status=503)
    assert response.json["code"] == "unavailable"
    assert response.json["data"] == {"database": "ok", "redis": "down"}
    assert "Traceback" not in response.text


def test_any_route_answers_503_unavailable_when_the_database_is_down(testapp, app, monkeypatch):
    factory = app.registry["dbsession_factory"]
    monkeypatch.setitem(factory.kw, "bind", unreachable_database())
    response = testapp.post_json("/api/auth/login", {"email": "a@example.test", "password": "whatever-pass"},
                                 status=503)
    assert response.json["code"] == "unavailable" and response.json["data"] is None
    assert "psycopg" not in response.text and "Traceback" not in response.text
