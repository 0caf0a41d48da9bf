"""Read requests (GET, HEAD, OPTIONS) run outside the transaction manager, on a read session.

Their statements run in autocommit on the real engine (no BEGIN/ROLLBACK round
trips), and their session refuses to write; write requests keep one
transaction each. The pool does not ping connections; a request that meets a
connection the server closed is replayed on a fresh one.
"""

import pytest
from sqlalchemy import create_engine, event, select, text, update
from sqlalchemy.pool import NullPool
from pyramid.request import Request

from platform_core.db.session import ReadOnlySessionError, get_read_session
from platform_core.tenancy.models import Business


@pytest.fixture
def isolation_levels(app):
    """How each statement the app sends runs: "AUTOCOMMIT" or "transaction" (real pools, no test transaction)."""
    engines = {app.registry["db_engine"], app.registry["db_read_engine"].engine}
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if conn.dialect.name == "postgresql":  # what the driver connection really does
            seen.append("AUTOCOMMIT" if conn.connection.dbapi_connection.autocommit else "transaction")
        else:
            seen.append(conn.get_execution_options().get("isolation_level", "transaction"))

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    yield seen
    for engine in engines:
        event.remove(engine, "before_cursor_execute", record)


def test_reads_run_in_autocommit_and_writes_in_a_transaction(live, isolation_levels):
    caller = live.factory.caller(role="admin")
    live.commit()
    isolation_levels.clear()
    status, _ = live.request("GET", "/api/locations", headers=caller.headers)
    assert status == 200
    assert isolation_levels and set(isolation_levels) == {"AUTOCOMMIT"}
    isolation_levels.clear()
    status, _ = live.request("POST", "/api/locations", {"name": "Harbour"}, headers=caller.headers)
    assert status == 201
    assert isolation_levels and set(isolation_levels) == {"transaction"}


def test_a_read_route_that_writes_fails_and_writes_nothing(testapp, dbsession):
    response = testapp.get("/api/_test/write-on-read", status=500)
    assert response.json["code"] == "server_error"
    assert dbsession.scalar(select(Business).where(Business.slug == "sneaky-business")) is None


def test_a_read_session_refuses_bulk_writes_too(app, db_connection):
    request = Request.blank("/api/anything")
    request.registry = app.registry
    session = get_read_session(app.registry["dbsession_factory"], request)
    with pytest.raises(ReadOnlySessionError):
        session.execute(update(Business).values(name="Renamed"))
    session.close()


def test_requests_meeting_closed_connections_are_replayed(live):
    engine = live.app.registry["db_engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("the server closing connections is a PostgreSQL matter")
    caller = live.factory.caller(role="admin")
    live.commit()
    # Both pools (reads' and writes') hold open connections now.
    assert live.request("GET", "/api/locations", headers=caller.headers)[0] == 200
    assert live.request("POST", "/api/locations", {"name": "Before"}, headers=caller.headers)[0] == 201
    # From outside the app's pools, as a server restart or an idle timeout would.
    outsider = create_engine(engine.url, poolclass=NullPool)
    with outsider.connect() as connection:
        killed = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    outsider.dispose()
    assert killed >= 2
    status, answer = live.request("GET", "/api/locations", headers=caller.headers)
    assert status == 200 and [row["name"] for row in answer["data"]] == ["Before"], answer
    status, answer = live.request("POST", "/api/locations", {"name": "After"}, headers=caller.headers)
    assert status == 201, answer


def test_head_is_a_read_request_too(live, isolation_levels):
    caller = live.factory.caller(role="admin")
    live.commit()
    isolation_levels.clear()
    status, body = live.request("HEAD", "/api/locations", headers=caller.headers)
    assert (status, body) == (200, None)
    assert isolation_levels and set(isolation_levels) == {"AUTOCOMMIT"}


def test_row_reads_give_their_connection_back_when_the_request_ends(live):
    caller = live.factory.caller(role="admin")
    live.commit()
    status, created = live.request("POST", "/api/locations", {"name": "Quay"}, headers=caller.headers)
    assert status == 201, created
    pool = live.app.registry["db_read_engine"].pool
    before = pool.checkedout()
    for _ in range(3):
        assert live.request("GET", "/api/locations", headers=caller.headers)[0] == 200
        assert live.request("GET", f"/api/locations/{created['data']['id']}", headers=caller.headers)[0] == 200
    assert pool.checkedout() == before


def test_head_is_answered_by_the_get_view_without_a_view_of_its_own(app, testapp, factory):
    caller = factory.caller(role="admin")
    testapp.post_json("/api/locations", {"name": "Quay"}, headers=caller.headers, status=201)
    for path in ("/api/locations", "/api/health"):
        got = testapp.get(path, headers=caller.headers)
        head = testapp.head(path, headers=caller.headers)
        assert head.status_code == 200 and head.body == b""
        assert head.headers["Content-Type"] == got.headers["Content-Type"]
    # A POST is no longer tried against a HEAD view first (each such try builds and catches an exception).
    views = app.registry.introspector.get_category("views")
    methods = {view["introspectable"]["request_methods"] for view in views
               if view["introspectable"]["route_name"] == "core.locations"}
    assert methods == {"GET", "POST", None}, methods  # None: Cornice's 405 view
    # HEAD is still among the route's methods.
    refused = testapp.request("/api/locations", method="TRACE", headers=caller.headers, status=405)
    assert "HEAD" in refused.headers["Allow"]
