"""Single-row inserts on the driver's cursor (platform_core.db.driver.RowWriter).

On psycopg the row is completed with its defaults and sent on the DB-API
cursor; on SQLite it is a Core INSERT. Either way the row, the statement
listeners and the errors are the ones Core would give.
"""

import functools
import uuid

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, select, text
from sqlalchemy.exc import CompileError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.pool import NullPool

from platform_core.audit.models import AuditEntry
from platform_core.db.driver import RowWriter
from platform_core.db.errors import conflict_from
from platform_core.locations.models import Location

TABLE = Location.__table__


@pytest.fixture
def business(factory):
    return factory.business()


def location(business, name="Quay"):
    return {"id": uuid.uuid4(), "business_id": business.id, "name": name, "timezone": "Europe/Lisbon"}


def test_the_row_as_inserted_is_the_row_stored_defaults_included(db_connection, business):
    writer = RowWriter(TABLE)
    statements = []
    event.listen(db_connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
    row = writer.insert(db_connection, location(business))
    assert len(statements) == 1 and statements[0].startswith("INSERT INTO locations")
    stored = db_connection.execute(select(TABLE).where(TABLE.c.id == row["id"])).mappings().one()
    assert row["phone"] == "" == stored["phone"] and row["is_deleted"] is False and stored["is_deleted"] is False
    assert row["created_at"] is not None and row["created_at"].replace(tzinfo=None) == stored["created_at"].replace(
        tzinfo=None)
    assert row["deleted_at"] is None and set(row) == set(TABLE.c.keys())
    assert (writer._plans[(db_connection.dialect, None)] is not False) == (db_connection.dialect.name == "postgresql")


def test_a_unique_violation_is_the_integrity_error_core_raises(db_connection, business):
    writer = RowWriter(TABLE)
    writer.insert(db_connection, location(business))
    savepoint = db_connection.begin_nested()
    with pytest.raises(IntegrityError) as raised:
        writer.insert(db_connection, location(business))
    savepoint.rollback()
    assert conflict_from(raised.value).errors == {"name": ["Already taken"]}


AUDIT = AuditEntry.__table__


def entry_of(row, **extra):
    """An audit row of ``row``, a location as inserted."""
    return {"business_id": row["business_id"], "action": "create", "resource_type": "locations",
            "resource_id": str(row["id"]), "changes": {"phone": [None, row["phone"]]}, **extra}


def stored(connection, table, row_id):
    return connection.execute(select(table).where(table.c.id == row_id)).mappings().one_or_none()


def test_a_row_and_its_companion_go_in_one_statement_on_postgresql(db_connection, business):
    statements = []
    event.listen(db_connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
    row, entry = RowWriter(TABLE).insert_with(db_connection, location(business), RowWriter(AUDIT), entry_of)
    # One statement on PostgreSQL (the companion's INSERT in its WITH clause), two on SQLite.
    assert len(statements) == (1 if db_connection.dialect.name == "postgresql" else 2), statements
    assert stored(db_connection, TABLE, row["id"])["phone"] == "" == row["phone"]
    audit = stored(db_connection, AUDIT, entry["id"])
    # The companion was made from the row as inserted (its defaults filled), and completed with its own.
    assert audit["resource_id"] == str(row["id"]) and audit["changes"] == {"phone": [None, ""]}
    assert entry["at"] is not None and audit["at"].replace(tzinfo=None) == entry["at"].replace(tzinfo=None)


def test_a_unique_violation_of_the_row_writes_neither_row(db_connection, business):
    writer, audit = RowWriter(TABLE), RowWriter(AUDIT)
    writer.insert(db_connection, location(business))
    entry_id = uuid.uuid4()
    savepoint = db_connection.begin_nested()
    with pytest.raises(IntegrityError) as raised:
        writer.insert_with(db_connection, location(business), audit, functools.partial(entry_of, id=entry_id))
    savepoint.rollback()
    assert conflict_from(raised.value).errors == {"name": ["Already taken"]}
    assert stored(db_connection, AUDIT, entry_id) is None


def test_a_companion_value_its_type_cannot_take_writes_neither_row(db_connection, business):
    values = location(business)
    savepoint = db_connection.begin_nested()
    with pytest.raises(StatementError):
        RowWriter(TABLE).insert_with(db_connection, values, RowWriter(AUDIT),
                                     functools.partial(entry_of, changes={"bad": {1j}}))
    savepoint.rollback()
    assert stored(db_connection, TABLE, values["id"]) is None


def test_a_companion_of_a_column_the_table_lacks_is_refused(db_connection, business):
    values = location(business)
    savepoint = db_connection.begin_nested()
    with pytest.raises(CompileError, match="Unconsumed column names: colour"):
        RowWriter(TABLE).insert_with(db_connection, values, RowWriter(AUDIT),
                                     functools.partial(entry_of, colour="blue"))
    savepoint.rollback()
    assert stored(db_connection, TABLE, values["id"]) is None


def test_columns_the_table_lacks_are_refused(db_connection, business):
    with pytest.raises(CompileError, match="Unconsumed column names: colour"):
        RowWriter(TABLE).insert(db_connection, {**location(business), "colour": "blue"})


def test_a_lost_connection_is_reported_as_core_reports_it(app, business, db_connection):
    engine = app.registry["db_engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("the server closing connections is a PostgreSQL matter")
    values = location(business)
    db_connection.commit()  # the business, seen by the connection below
    writer = RowWriter(TABLE)
    with engine.connect() as connection:
        writer.insert(connection, location(business, "Before"))  # the plan is made: this one goes to the driver
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        outsider = create_engine(engine.url, poolclass=NullPool)
        with outsider.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        outsider.dispose()
        with pytest.raises(DBAPIError) as raised:
            writer.insert(connection, values)
        assert raised.value.connection_invalidated


def test_a_value_its_type_cannot_take_is_the_statement_error_core_raises(db_connection, business):
    entry = {"business_id": business.id, "action": "create", "resource_type": "x", "resource_id": "1",
             "changes": {"bad": {1j}}}
    savepoint = db_connection.begin_nested()
    with pytest.raises(StatementError):
        RowWriter(AuditEntry.__table__).insert(db_connection, entry)
    savepoint.rollback()


def _context_default(context):
    return "from the context"


@functools.wraps(_context_default)
def _decorated_context_default(context):
    return _context_default(context)


def test_defaults_that_take_the_execution_context_are_left_to_core():
    table = Table("row_writer_defaults", MetaData(), Column("id", Integer, primary_key=True),
                  Column("made", String, default=dict), Column("context", String, default=_decorated_context_default))
    writer = RowWriter(table)
    assert writer.defaults["made"] is dict and writer.defaults["context"] is None and not writer.completes_rows


def test_a_cursor_listeners_own_exception_passes_as_it_is(db_connection, business):
    class Refused(Exception):
        pass

    def refuse(*args):
        raise Refused

    event.listen(db_connection, "before_cursor_execute", refuse)
    try:
        with pytest.raises(Refused):
            RowWriter(TABLE).insert(db_connection, location(business))
    finally:
        event.remove(db_connection, "before_cursor_execute", refuse)
