"""Sessions: one per request; a write request's joins the request's transaction.

A request that can change data (``POST``, ``PUT``, ``PATCH``, ``DELETE``) gets
a session joined to pyramid_tm's transaction: one transaction, committed when
the view succeeds. A read request (``GET``, ``HEAD``, ``OPTIONS``) gets a
*read session* instead: no transaction manager, and on a server database its
connection runs in autocommit, so a read costs one round trip per statement
and no ``BEGIN``/``ROLLBACK`` around them. Under READ COMMITTED a transaction
would give each statement its own snapshot anyway, so a read loses nothing.
A read session refuses to write (:class:`ReadOnlySessionError`): a read route
that tries to is a programming error and fails loudly, it never autocommits.
"""

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import sessionmaker
from zope.sqlalchemy.datamanager import ZopeTransactionEvents

from platform_core.db.cache import REDIS
from platform_core.db.flush_duties import performed_by_direct_inserts
from platform_core.db.tenancy import TenantSession

#: Methods that never change data (RFC 9110 "safe" methods): their requests get a read session.
READ_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))
READ_ONLY = "db.read_only"
#: A read session's own connection for Core row reads (see :func:`row_connection`).
READ_CONNECTION = "db.read_connection"
#: The session's zope.sqlalchemy events object (how it joins the request's transaction).
TRANSACTION_EVENTS = "db.transaction_events"
#: The session events zope.sqlalchemy's ``register`` listens to.
_ZOPE_EVENTS = ("after_begin", "after_attach", "after_flush", "after_bulk_update", "after_bulk_delete",
                "before_commit", "do_orm_execute")


class ReadOnlySessionError(RuntimeError):
    """A read request's session was asked to write: a programming error (a 500), never a client's."""


def build_session_factory(engine):
    """The session factory; tests rebind it to a connection they roll back."""
    return sessionmaker(bind=engine, class_=TenantSession, expire_on_commit=False)


def get_tm_session(session_factory, transaction_manager, request=None):
    """A session whose commit and rollback follow ``transaction_manager``.

    Outside requests (CLI, jobs, tests) pass a ``transaction.TransactionManager``
    and use ``with transaction_manager:`` to commit.

    This is ``zope.sqlalchemy.register(session, transaction_manager=...)``
    without its cost: ``register`` adds seven listeners to the session
    *instance*, and SQLAlchemy builds a dispatcher per instance for them
    (about 0.2 ms of every write request). The same zope.sqlalchemy events
    object is kept in ``session.info`` instead, and listeners registered once
    on the session class hand each event to it.
    """
    info = _request_info(request)
    info[TRANSACTION_EVENTS] = ZopeTransactionEvents(transaction_manager=transaction_manager)
    return session_factory(info=info)


def get_read_session(session_factory, request, autocommit_bind=None):
    """A session for a read request: writes refused, closed when the request ends.

    ``autocommit_bind`` (the engine with ``isolation_level="AUTOCOMMIT"``)
    replaces the factory's bind; tests leave it out, so their requests run
    on the one connection the test rolls back.
    """
    info = _request_info(request)
    info[READ_ONLY] = True
    extra = {"bind": autocommit_bind} if autocommit_bind is not None else {}
    session = session_factory(info=info, **extra)
    request.add_finished_callback(lambda request: _close_read_session(session))
    return session


def row_connection(session):
    """The connection Core row reads (SELECTs only) of ``session`` run on.

    A read session's ``connection()`` starts the Session's transaction
    bookkeeping, and its ``close()`` unwinds it, only to lend out an
    autocommit connection: about 0.04 ms of a 0.7 ms read request. A read
    session's row reads use a connection of its bind instead, opened once
    and closed with the session (a request that also runs ORM queries then
    holds two connections of the read pool). In the test kit the bind is
    the test's connection, used as it is. Any other session lends its own
    (a write request's reads see its uncommitted writes).
    """
    if not session.info.get(READ_ONLY):
        return session.connection()
    connection = session.info.get(READ_CONNECTION)
    if connection is None:
        bind = session.bind
        if isinstance(bind, Connection):
            return bind
        connection = session.info[READ_CONNECTION] = bind.connect()
    return connection


def _close_read_session(session):
    connection = session.info.pop(READ_CONNECTION, None)
    if connection is not None:
        connection.close()
    session.close()


def _request_info(request):
    return {REDIS: request.registry["redis"]} if request is not None else {}


def refuse_if_read_only(session):
    """Raise :class:`ReadOnlySessionError` if ``session`` is a read session: about to write, it must not."""
    if session.info.get(READ_ONLY):
        raise ReadOnlySessionError("a read request (GET, HEAD, OPTIONS) cannot write")


def mark_written(session):
    """Tell the request's transaction that ``session`` wrote outside a flush, so that it commits.

    zope.sqlalchemy learns of writes from flushes and ORM statements; a
    direct insert (:mod:`platform_core.db.inserts`) is neither.
    """
    events = session.info.get(TRANSACTION_EVENTS)
    if events is not None:
        events.mark_changed(session)


@event.listens_for(TenantSession, "before_flush")
@performed_by_direct_inserts()
def _refuse_flush(session, flush_context, instances):
    refuse_if_read_only(session)


@event.listens_for(TenantSession, "do_orm_execute")
def _refuse_bulk_writes(state):
    if state.is_insert or state.is_update or state.is_delete:
        refuse_if_read_only(state.session)


def _forward(name):
    def listener(subject, *args):
        # after_bulk_* get a context and do_orm_execute a state, each with .session; the rest the session.
        session = getattr(subject, "session", subject)
        events = session.info.get(TRANSACTION_EVENTS)
        if events is not None:
            return getattr(events, name)(subject, *args)
    listener.__name__ = f"_zope_{name}"
    return listener


for _name in _ZOPE_EVENTS:
    # A direct insert's write joins the transaction itself (its own connection's data manager, or mark_written
    # on the session's connection), as the forwarded after_flush would.
    event.listen(TenantSession, _name, performed_by_direct_inserts()(_forward(_name)))
