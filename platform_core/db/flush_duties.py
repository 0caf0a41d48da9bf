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
#: Every session event a direct insert must account for, in the order the checks list them.
_SESSION_EVENTS = (*_FLUSH_EVENTS, *_TRANSACTION_EVENTS)
#: Mapper events that would fire for an ORM insert of the model.
_INSERT_EVENTS = ("before_insert", "after_insert")
#: Events of the model's instances; a direct insert makes none.
_INSTANCE_EVENTS = ("init", "init_failure")
#: model -> (its mapper's event dispatcher, its instances').
_DISPATCHERS = {}
#: (session class, model) -> (the listeners found last, the unaccounted ones among them).
_VERDICTS = {}


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

    Listeners can be added and removed at any time, so each call lists them
    all, as tuples compared with those of the last call for the same
    session class and model: only sorting them again is saved (with
    :func:`_class_lists`, about 1 % of a create's instructions).
    """
    own = vars(session).get("dispatch")
    if own is None:
        session_listeners = tuple(map(tuple, _class_lists(type(session))))
    else:
        session_listeners = tuple([tuple(getattr(own, name)) for name in _SESSION_EVENTS])
    mapper_events, instance_events = _dispatchers_of(model)
    found = (session_listeners,
             tuple([tuple(getattr(mapper_events, name)) for name in _INSERT_EVENTS]),
             tuple([tuple(getattr(instance_events, name)) for name in _INSTANCE_EVENTS]))
    key = (type(session), model)
    known = _VERDICTS.get(key)
    if known is None or known[0] != found:
        known = _VERDICTS[key] = (found, tuple(_unaccounted(model, *found)))
    return list(known[1])


def _unaccounted(model, session_listeners, insert_listeners, instance_listeners):
    """Of the listeners found (tuples per event), those a direct insert of ``model`` would skip."""
    return [
        *(listener for listeners in session_listeners for listener in listeners
          if listener not in _PERFORMED or issubclass(model, _PERFORMED[listener])),
        *(listener for listeners in insert_listeners for listener in listeners),
        *(listener for listeners in instance_listeners for listener in listeners if listener not in _SQLALCHEMY_INIT),
    ]


def _dispatchers_of(model):
    """The event dispatchers of ``model``'s mapper and of its instances (looked up once per model)."""
    dispatchers = _DISPATCHERS.get(model)
    if dispatchers is None:
        mapper = inspect(model)
        dispatchers = _DISPATCHERS[model] = (mapper.dispatch, mapper.class_manager.dispatch)
    return dispatchers


#: The attribute of a session class holding its listener lists (see :func:`_class_lists`).
_CLASS_LISTS = "_platform_class_listener_lists"


def _class_lists(session_class):
    """The lists of ``session_class``'s own listeners of each session event checked, as SQLAlchemy keeps them.

    A session without a dispatcher of its own (SQLAlchemy makes one on first
    use: an event fired, a listener added to that session) has only its
    class's listeners. SQLAlchemy keeps those of one event in one list per
    class, changed in place when a listener is added to or removed from the
    class or a base class; a blank instance's dispatcher shows it as the
    ``parent_listeners`` of each event (a private attribute:
    ``tests/test_direct_inserts.py`` pins what this relies on). Read once
    per class (``sessionmaker`` makes a class per factory) and kept on it,
    they cost a check one C-level copy each instead of a call.
    """
    lists = session_class.__dict__.get(_CLASS_LISTS)
    if lists is None:
        blank = session_class.__new__(session_class).dispatch
        lists = tuple(getattr(blank, name).parent_listeners for name in _SESSION_EVENTS)
        setattr(session_class, _CLASS_LISTS, lists)
    return lists
