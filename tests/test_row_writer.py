"""Single-row inserts on the driver's cursor (platform_core.db.driver.RowWriter).

On psycopg the row is completed with its defaults and sent on the DB-API
cursor; on SQLite it is a Core INSERT. Either way the row, the statement
listeners and the errors are the ones Core would give.
"""

import functools
import uuid

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import CompileError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.pool import NullPool

from platform_core.audit.models import AuditEntry
from platform_core.db.driver import COMPANION, RowWriter
from platform_core.db.errors import conflict_from
from platform_core.locations.models import Location
from tests.support.statements import sent_statements

TABLE = Location.__table__


@pytest.fixture
def business(factory):
    return factory.business()


def location(business, name="Quay"):
    return {"id": uuid.uuid4(), "business_id": business.id, "name": name, "timezone": "Europe/Lisbon"}


def test_the_row_as_inserted_is_the_row_stored_defaults_included(db_connection, business, sent):
    writer = RowWriter(TABLE)
    row = writer.insert(db_connection, location(business))
    assert len(sent) == 1 and sent[0].startswith("INSERT INTO locations")
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


@pytest.fixture
def sent(db_connection):
    """The statements sent on the test's connection from here on (the test kit's savepoints left out)."""
    with sent_statements(db_connection) as statements:
        yield statements


def on_postgresql(connection):
    return connection.dialect.name == "postgresql"


def test_a_row_and_its_companion_are_one_statement_on_postgresql_two_elsewhere(db_connection, business, sent):
    row, entry = RowWriter(TABLE).insert_with(db_connection, location(business), RowWriter(AUDIT), entry_of)
    assert len(sent) == (1 if on_postgresql(db_connection) else 2), sent
    assert stored(db_connection, TABLE, row["id"])["phone"] == "" == row["phone"]
    audit = stored(db_connection, AUDIT, entry["id"])
    # The companion was made from the row as inserted (its defaults filled), and completed with its own.
    assert audit["resource_id"] == str(row["id"]) and audit["changes"] == {"phone": [None, ""]}
    assert entry["at"] is not None and audit["at"].replace(tzinfo=None) == entry["at"].replace(tzinfo=None)


def test_a_unique_violation_of_the_row_fails_the_companions_statement_too(db_connection, business, sent):
    writer, audit = RowWriter(TABLE), RowWriter(AUDIT)
    writer.insert(db_connection, location(business))
    sent.clear()
    savepoint = db_connection.begin_nested()
    with pytest.raises(IntegrityError) as raised:
        writer.insert_with(db_connection, location(business), audit, entry_of)
    savepoint.rollback()
    assert conflict_from(raised.value).errors == {"name": ["Already taken"]}
    if on_postgresql(db_connection):
        # The audit row was part of the failed statement: no statement of its own.
        assert len(sent) == 1 and "INSERT INTO audit_log" in sent[0], sent
    else:
        # The row's INSERT failed first: the audit row's was never sent.
        assert not any("INSERT INTO audit_log" in statement for statement in sent), sent


def test_a_companion_value_its_type_cannot_take_fails_the_rows_statement_on_postgresql(db_connection, business,
                                                                                    sent):
    savepoint = db_connection.begin_nested()
    with pytest.raises(StatementError):
        RowWriter(TABLE).insert_with(db_connection, location(business), RowWriter(AUDIT),
                                     functools.partial(entry_of, changes={"bad": {1j}}))
    savepoint.rollback()
    # PostgreSQL: the one statement, the row's INSERT with it, is the one that fails (the driver cannot
    # write the value). SQLite: the row's own INSERT went first; the caller's transaction, rolled back on
    # the error, removes it.
    assert len(sent) == 1, sent
    assert ("INSERT INTO audit_log" in sent[0]) == on_postgresql(db_connection), sent


def test_a_companion_of_a_column_its_table_lacks_is_refused_before_sending_on_postgresql(db_connection, business,
                                                                                       sent):
    savepoint = db_connection.begin_nested()
    with pytest.raises(CompileError, match="Unconsumed column names: colour"):
        RowWriter(TABLE).insert_with(db_connection, location(business), RowWriter(AUDIT),
                                     functools.partial(entry_of, colour="blue"))
    savepoint.rollback()
    assert len(sent) == (0 if on_postgresql(db_connection) else 1), sent


def test_pairs_postgresql_cannot_send_as_one_statement_are_two():
    dialect = postgresql.psycopg.dialect()
    assert RowWriter(TABLE)._plan_for(dialect, RowWriter(AUDIT)) is not False
    # A companion with a server-side default (its row cannot be completed here), or whose parameter names
    # would collide with the row's columns, is sent on its own.
    served = Table("row_writer_served", MetaData(), Column("id", Integer, primary_key=True),
                   Column("at", String, server_default="now"))
    assert RowWriter(TABLE)._plan_for(dialect, RowWriter(served)) is False
    clashing = Table("row_writer_clash", MetaData(), Column("id", Integer, primary_key=True, default=1),
                     Column(f"{COMPANION}id", Integer, default=1))
    assert RowWriter(clashing)._plan_for(dialect, RowWriter(AUDIT)) is False
    # Without data-modifying WITH clauses (SQLite's Core path), never one statement.
    assert RowWriter(TABLE)._plan_for(sqlite.dialect(), RowWriter(AUDIT)) is False


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
