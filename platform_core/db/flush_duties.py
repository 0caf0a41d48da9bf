"""Which session flush listeners a direct insert does the work of, so that none is skipped unknowingly.

The guarantees of a write — the business stamp, the audit row, the count
version, the forgotten cache keys — live in listeners of
:class:`~platform_core.db.tenancy.TenantSession`'s flush. A direct insert
(:mod:`platform_core.db.inserts`) writes a row without a flush, so it must
do each of those duties itself. Every flush listener of the core says here
that a direct insert performs it, naming the models for which it does not
(a listener that forgets cached memberships concerns ``Membership`` rows,
which are never inserted directly). A model is inserted directly only when
every flush listener of the session class is accounted for this way: a
plugin that adds a flush listener of its own sends its models back through
the flush, where its listener runs. The same goes for listeners of the
session's transaction (its begin, commit and rollback), since a direct
insert's transaction is not the Session's.
"""

from sqlalchemy import inspect
from sqlalchemy.orm.mapper import _event_on_init

#: Instance ``init`` listeners SQLAlchemy itself puts on every mapped class (its private name).
_SQLALCHEMY_INIT = frozenset({_event_on_init})

#: Flush listener -> the model classes for which a direct insert does NOT do its work.
_PERFORMED = {}
#: The session events of a flush, and of a new object joining the session (which a direct insert never makes).
_FLUSH_EVENTS = ("before_flush", "after_flush", "after_flush_postexec", "before_attach", "transient_to_pending",
                 "pending_to_persistent")
#: The session events of its own transaction, which a direct insert's connection (its own transaction,
#: :mod:`platform_core.db.write_connection`) never fires.
_TRANSACTION_EVENTS = ("after_transaction_create", "after_begin", "before_commit", "after_commit", "after_rollback",
                       "after_soft_rollback", "after_transaction_end")
#: Mapper events that would fire for an ORM insert of the model.
_INSERT_EVENTS = ("before_insert", "after_insert")


def performed_by_direct_inserts(*except_for):
    """Decorator of a flush listener: direct inserts do its work for every model but ``except_for``."""

    def mark(listener):
        _PERFORMED[listener] = except_for
        return listener

    return mark


def unperformed_listeners(session, model):
    """The listeners a direct insert of ``model`` by ``session`` would skip (none: it may insert directly).

    The session's flush and transaction listeners (its class's and its own) not accounted for,
    any ``before_insert``/``after_insert`` listener of the model's mapper, and
    any ``init``/``init_failure`` listener of its instances but SQLAlchemy's
    own (a direct insert makes no instance).
    """
    dispatch = _listeners_of(session)
    skipped = [
        listener
        for name in (*_FLUSH_EVENTS, *_TRANSACTION_EVENTS)
        for listener in getattr(dispatch, name)
        if listener not in _PERFORMED or issubclass(model, _PERFORMED[listener])
    ]
    mapper = inspect(model)
    skipped += [listener for name in _INSERT_EVENTS for listener in getattr(mapper.dispatch, name)]
    instances = mapper.class_manager.dispatch
    skipped += [listener for name in ("init", "init_failure") for listener in getattr(instances, name)
                if listener not in _SQLALCHEMY_INIT]
    return skipped


#: The attribute of a session class holding the event dispatcher of a blank instance (see :func:`_listeners_of`).
_CLASS_LISTENERS = "_platform_class_listeners"


def _listeners_of(session):
    """The event dispatcher that lists ``session``'s listeners, without making it one of its own.

    SQLAlchemy gives a session its own dispatcher on first use (an event
    fired, a listener added to that session), keeping it in the instance's
    ``__dict__``; until then the session has only its class's listeners,
    which the dispatcher of a blank instance of the class lists as they are
    now (its collections are the class's own). A request session that only
    inserts directly never needs a dispatcher of its own: making one for
    this check cost a create some 30 calls. The blank instance's dispatcher
    is kept on the class (``sessionmaker`` makes a class per factory), and
    goes with it.
    """
    own = vars(session).get("dispatch")
    if own is not None:
        return own
    cls = type(session)
    dispatch = cls.__dict__.get(_CLASS_LISTENERS)
    if dispatch is None:
        dispatch = cls.__new__(cls).dispatch
        setattr(cls, _CLASS_LISTENERS, dispatch)
    return dispatch
