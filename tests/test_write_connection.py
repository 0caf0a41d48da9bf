"""A direct write's own connection (platform_core.db.write_connection) commits and rolls back with the request.

These tests commit for real on the app's engine (a probe table of their
own, dropped afterwards), so they use neither ``dbsession`` nor ``testapp``,
whose rolled-back connection would hold the database.
"""

import contextlib

import pytest
import transaction
from pyramid_retry import IRetryableError
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import registry, sessionmaker
from transaction.interfaces import NoTransaction

from platform_core.audit.models import AuditEntry
from platform_core.db.cache import REDIS, after_commit
from platform_core.db.session import build_session_factory, get_tm_session
from platform_core.db.tenancy import TenantSession
from platform_core.db.write_connection import COMMITTER, write_connection
from platform_core.locations.models import Location
from tests.support.probe_tables import probe_tables

METADATA = MetaData()
PARENTS = Table("probe_write_parents", METADATA, Column("id", Integer, primary_key=True))
ROWS = Table(
    "probe_write_rows", METADATA,
    Column("id", Integer, primary_key=True),
    Column("label", String(20), nullable=False),
    # Checked at COMMIT: a way to make the commit itself fail.
    Column("parent_id", Integer, ForeignKey(PARENTS.c.id, deferrable=True, initially="DEFERRED")),
)


class ProbeRow:
    """A probe row written through the Session's flush."""

    def __init__(self, **values):
        self.__dict__.update(values)


registry().map_imperatively(ProbeRow, ROWS)


@pytest.fixture
def engine(app):
    with probe_tables(app, METADATA) as engine:
        yield engine


@pytest.fixture
def manager():
    return transaction.TransactionManager(explicit=True)


@pytest.fixture
def session(engine, manager, app):
    session = get_tm_session(build_session_factory(engine), manager)
    session.info[REDIS] = app.registry["redis"]
    yield session
    session.close()


def labels(engine):
    """The probe rows' labels as another connection sees them (what is committed)."""
    with engine.connect() as connection:
        return sorted(connection.scalars(select(ROWS.c.label)))


def test_a_direct_write_commits_with_the_transaction_on_a_connection_of_its_own(engine, manager, session):
    checked_out = engine.pool.checkedout()
    with manager:
        connection = write_connection(session)
        connection.execute(insert(ROWS).values(id=1, label="one"))
        assert write_connection(session) is connection
        assert not session.in_transaction()  # the Session's own transaction never began
        assert engine.pool.checkedout() == checked_out + 1
    assert labels(engine) == ["one"]
    assert engine.pool.checkedout() == checked_out and session.bind is engine
    assert COMMITTER not in session.info


def test_an_aborted_transaction_leaves_nothing_and_hands_the_connection_back(engine, manager, session):
    checked_out = engine.pool.checkedout()
    with pytest.raises(RuntimeError), manager:
        write_connection(session).execute(insert(ROWS).values(id=1, label="one"))
        raise RuntimeError("the view failed")
    assert labels(engine) == []
    assert engine.pool.checkedout() == checked_out and session.bind is engine


@pytest.mark.parametrize("fails", [False, True])
def test_the_session_works_in_the_same_transaction_afterwards(engine, manager, session, fails):
    with pytest.raises(RuntimeError) if fails else contextlib.nullcontext(), manager:
        connection = write_connection(session)
        connection.execute(insert(ROWS).values(id=1, label="direct"))
        # The ORM sees the uncommitted row, and the direct write the flushed one: one transaction.
        assert session.scalar(select(func.count()).select_from(ROWS)) == 1
        assert session.connection() is connection
        session.add(ProbeRow(id=2, label="session"))
        session.flush()
        assert connection.scalar(select(func.count()).select_from(ROWS)) == 2
        if fails:
            raise RuntimeError("the view failed")
    assert labels(engine) == ([] if fails else ["direct", "session"])
    assert session.bind is engine


def test_after_commit_actions_run_once_committed_and_never_after_a_rollback(engine, manager, session):
    seen = []

    def action(redis, items):
        seen.append((sorted(items), labels(engine)))  # what another connection sees at that moment

    with manager:
        write_connection(session).execute(insert(ROWS).values(id=1, label="one"))
        after_commit(session, action, "first")
        session.add(ProbeRow(id=2, label="two"))  # so the Session commits too, before the connection does
        after_commit(session, action, "second")
    assert seen == [(["first", "second"], ["one", "two"])]

    with pytest.raises(RuntimeError), manager:
        write_connection(session).execute(insert(ROWS).values(id=3, label="three"))
        after_commit(session, action, "third")
        raise RuntimeError("the view failed")
    assert len(seen) == 1


def test_a_failed_commit_runs_no_after_commit_action_and_hands_the_connection_back(engine, manager, session):
    checked_out = engine.pool.checkedout()
    seen = []
    with pytest.raises(IntegrityError), manager:
        write_connection(session).execute(insert(ROWS).values(id=1, label="orphan", parent_id=404))
        after_commit(session, lambda redis, items: seen.append(items), "key")
    assert seen == [] and labels(engine) == []
    assert engine.pool.checkedout() == checked_out and session.bind is engine
    manager.abort()  # as pyramid_tm does after a failed commit
    # The session's next transaction, through the ORM only, runs its own actions and none of the failed one's.
    with manager:
        session.add(ProbeRow(id=2, label="next"))
        after_commit(session, lambda redis, items: seen.append(items), "next")
    assert seen == [{"next"}] and labels(engine) == ["next"]


@pytest.mark.parametrize("released", [True, False])
@pytest.mark.parametrize("direct", [True, False])
def test_a_savepoint_in_the_request_neither_runs_nor_drops_the_after_commit_actions(engine, manager, session,
                                                                                     released, direct):
    seen = []
    with manager:
        if direct:
            write_connection(session).execute(insert(ROWS).values(id=1, label="one"))
        else:
            session.add(ProbeRow(id=1, label="one"))
        after_commit(session, lambda redis, items: seen.append((sorted(items), labels(engine))), "direct")
        savepoint = session.begin_nested()
        session.add(ProbeRow(id=2, label="inner"))
        session.flush()
        savepoint.commit() if released else savepoint.rollback()
        assert seen == []  # nothing is committed yet
    committed = ["inner", "one"] if released else ["one"]
    assert seen == [(["direct"], committed)] and labels(engine) == committed


@pytest.mark.filterwarnings("error")
def test_an_abort_inside_the_test_kits_savepoints_ends_them_innermost_first(engine, manager):
    """As the test kit binds sessions: to a connection, each request's transaction a savepoint in it."""
    with engine.connect() as connection:
        outer = connection.begin()
        session = get_tm_session(sessionmaker(bind=connection, class_=TenantSession,
                                              join_transaction_mode="create_savepoint"), manager)
        with pytest.raises(RuntimeError), manager:
            write_connection(session).execute(insert(ROWS).values(id=1, label="one"))
            assert session.scalar(select(func.count()).select_from(ROWS)) == 1  # the session's own savepoint
            raise RuntimeError("the view failed")
        # The outer transaction is intact and holds nothing of the request.
        assert connection.scalar(select(func.count()).select_from(ROWS)) == 0
        outer.rollback()


def test_a_session_that_has_begun_lends_its_own_connection(engine, manager, session):
    with manager:
        session.execute(select(1))
        connection = write_connection(session)
        assert connection is session.connection() and COMMITTER not in session.info
        connection.execute(insert(ROWS).values(id=1, label="one"))
    assert labels(engine) == ["one"]


def test_a_transaction_the_server_rolled_back_is_marked_for_a_retry(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("a serialization failure needs PostgreSQL's REPEATABLE READ")
    with engine.begin() as setup:
        setup.execute(insert(ROWS).values(id=1, label="one"))
    with engine.connect() as first, engine.connect() as second:
        first = first.execution_options(isolation_level="REPEATABLE READ")
        with first.begin():
            first.execute(select(ROWS.c.label)).all()  # takes the snapshot
            with second.begin():
                second.execute(ROWS.update().values(label="two"))
            with pytest.raises(OperationalError) as raised:  # SerializationFailure, SQLSTATE 40001
                first.execute(ROWS.update().values(label="three"))
    assert raised.value.orig.sqlstate == "40001" and IRetryableError.providedBy(raised.value)


def test_concurrent_direct_creates_commit_each_with_its_audit_row_and_leak_no_connection(live):
    admin = live.factory.caller(role="admin")
    live.commit()
    engine = live.app.registry["db_engine"]

    def create(name):
        return lambda: live.request("POST", "/api/locations", {"name": name}, admin.headers)

    names = [f"Branch {number}" for number in range(6)] + ["Twin"] * 4
    results = live.concurrently([create(name) for name in names])
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 7 + [409] * 3, results
    assert engine.pool.checkedout() == 0
    where = Location.business_id == admin.business.id
    assert live.session.scalar(select(func.count()).select_from(Location).where(where)) == 7
    audited = select(func.count()).select_from(AuditEntry).where(
        AuditEntry.business_id == admin.business.id, AuditEntry.resource_type == "locations")
    assert live.session.scalar(audited) == 7
    status, listed = live.request("GET", "/api/locations", headers=admin.headers)
    assert status == 200 and listed["meta"]["pagination"]["total"] == 7


def test_outside_a_transaction_it_refuses_before_taking_a_connection(engine, session):
    checked_out = engine.pool.checkedout()
    with pytest.raises(NoTransaction):
        write_connection(session)
    assert engine.pool.checkedout() == checked_out and session.bind is engine and COMMITTER not in session.info
