"""A write request's connection for writes that need no unit of work, committed with the request.

A direct insert (:mod:`platform_core.db.inserts`) sends its rows on a
connection; taking it from the Session (``session.connection()``) begins
the Session's own transaction, and zope.sqlalchemy joins that to the
request's transaction: at commit, a flush with nothing to flush, the
Session's commit and close around the one ``COMMIT`` (about a tenth of a
create's CPU). :func:`write_connection` instead begins a transaction on a
connection of the session's engine and joins it to the request's
transaction itself (:class:`ConnectionCommit`): it commits when the
request's transaction commits, rolls back when it aborts, and is returned to
the pool either way.

It stays one transaction per request: the session is bound to that
connection from then on, so anything the request does through the ORM
afterwards runs in the same transaction (the Session joins it without
committing it; zope.sqlalchemy's data manager sorts before this one, so the
Session flushes before the ``COMMIT``). A session that has already begun
keeps its own connection. The Redis actions that follow a commit
(:func:`platform_core.db.cache.after_commit`) run once this connection has
committed, never at the Session's commit, which here commits nothing.

In the test kit the session is bound to the test's connection: the
transaction is then a savepoint on it, as the Session's would be.
"""

from sqlalchemy.engine import Connection
from transaction.interfaces import IDataManager
from zope.interface import implementer

from platform_core.db.cache import defer_after_commit, drop_after_commit, run_after_commit
from platform_core.db.session import TRANSACTION_EVENTS, mark_written

#: The session's :class:`ConnectionCommit`, once a write took it.
COMMITTER = "db.connection_commit"


def write_connection(session):
    """The connection ``session``'s writes without a flush go on, in the request's transaction.

    Writes sent on it commit with the request's transaction (nothing more
    to tell it). A session outside any transaction manager, or whose own
    transaction has begun, lends its connection.
    """
    committer = session.info.get(COMMITTER)
    if committer is not None:
        return committer.connection
    events = session.info.get(TRANSACTION_EVENTS)
    if events is None or session.in_transaction():
        connection = session.connection()
        mark_written(session)
        return connection
    return ConnectionCommit(session, events.transaction_manager).connection


@implementer(IDataManager)
class ConnectionCommit:
    """One connection's transaction as a resource of the request's transaction (zope ``transaction``).

    It commits in ``tpc_vote`` and sorts after zope.sqlalchemy's data
    manager, as that one does for the same reason: the last resource to
    vote commits, so a failed ``COMMIT`` still aborts the rest. (When the
    Session took part too, zope.sqlalchemy then logs a failed assertion of
    its ``tpc_abort``: it had voted. Nothing is left half-done.) It takes
    no part in ``transaction.savepoint()``, which nothing here uses; use
    ``session.begin_nested()``, which works on this connection.
    """

    def __init__(self, session, transaction_manager):
        self.session = session
        self.transaction_manager = transaction_manager
        self.transaction = None
        # Joined first: a transaction that cannot take resources refuses before a connection is taken.
        transaction_manager.get().join(self)
        self.bind = bind = session.bind
        if isinstance(bind, Connection):
            self.connection, self.owned = bind, False
            self.transaction = bind.begin_nested()
        else:
            self.connection, self.owned = bind.connect(), True
            try:
                self.transaction = self.connection.begin()
            except BaseException:
                self.connection.close()
                raise
            session.bind = self.connection
        session.info[COMMITTER] = self
        defer_after_commit(session)

    def sortKey(self):
        # zope.sqlalchemy's data manager sorts as "~sqlalchemy:<id>": this one comes after it.
        return f"~~platform.connection:{id(self)}"

    def tpc_begin(self, txn):
        pass

    def commit(self, txn):
        pass

    def tpc_vote(self, txn):
        if self.transaction is not None:
            try:
                self._end(commit=True)
            except BaseException:
                drop_after_commit(self.session)
                raise
            run_after_commit(self.session)

    def tpc_finish(self, txn):
        pass

    def abort(self, txn):
        if self.transaction is not None:
            drop_after_commit(self.session)
            # The Session's own transaction ends first: it may hold a savepoint inside this one (the test
            # kit's), or have rolled this one back already (a failed flush).
            self.session.close()
            self._end(commit=False)

    tpc_abort = abort

    def _end(self, commit):
        """End the transaction, then hand the connection back and the session its bind, whatever happens.

        A commit after the Session rolled the transaction back raises (there is nothing left to commit).
        """
        transaction, self.transaction = self.transaction, None
        try:
            if commit:
                transaction.commit()
            elif transaction.is_active:
                transaction.rollback()
        except BaseException:
            if self.owned:
                # Its transaction may still be open on the server (SQLite keeps it after a failed COMMIT,
                # and SQLAlchemy would not reset it on return): never back into the pool.
                self.connection.invalidate()
            raise
        finally:
            self.session.info.pop(COMMITTER, None)
            self.session.bind = self.bind
            if self.owned:
                self.connection.close()
