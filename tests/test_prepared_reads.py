"""Plain-row reads on the driver's cursor (platform_core.db.rows.PreparedRead).

A prepared read runs SQLAlchemy's compiled SQL on the DB-API cursor only
where the dialect converts nothing (psycopg); SQLite keeps Core's
execution. Either way the rows, the statement listeners and the errors are
the ones Core would give.
"""

import pytest
from sqlalchemy import literal_column, select, table
from sqlalchemy.exc import DBAPIError

from platform_core.db.rows import PreparedRead
from platform_core.locations import LocationResource
from platform_core.locations.models import Location


@pytest.fixture
def admin(factory):
    return factory.caller(role="admin")


def test_reads_run_on_the_driver_only_where_the_dialect_converts_nothing(testapp, admin, db_connection):
    testapp.post_json("/api/locations", {"name": "Harbour"}, headers=admin.headers, status=201)
    listed = testapp.get("/api/locations", headers=admin.headers).json["data"]
    shown = testapp.get(f"/api/locations/{listed[0]['id']}", headers=admin.headers).json["data"]
    assert shown == listed[0] and shown["name"] == "Harbour"
    # Shapes prepared but not run yet (a count the cache answered) have not decided.
    decided = {prepared.on_driver for prepared in LocationResource.row_reader()._prepared.values()} - {None}
    assert decided == {db_connection.dialect.name == "postgresql"}


def test_rows_on_the_driver_are_the_rows_core_reads(dbsession, db_connection, admin):
    for name in ("Alpha", "Beta"):
        dbsession.add(Location(business_id=admin.business.id, name=name, timezone="Europe/Lisbon"))
    dbsession.flush()
    prepared = PreparedRead(select(Location.id, Location.name, Location.created_at, Location.timezone)
                            .where(Location.business_id == admin.business.id).order_by(Location.name))
    through_core = [tuple(row) for row in db_connection.execute(prepared.statement).all()]
    for _ in range(2):  # the first run decides, the second runs as decided
        assert [tuple(row) for row in prepared.rows(db_connection, {})] == through_core
    assert [name for _, name, _, _ in through_core] == ["Alpha", "Beta"]


def test_a_driver_error_is_raised_as_core_raises_it(app):
    prepared = PreparedRead(select(literal_column("x")).select_from(table("no_such_table")))
    with app.registry["db_engine"].connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        with pytest.raises(DBAPIError, match="no_such_table"):
            prepared.rows(connection, {})
