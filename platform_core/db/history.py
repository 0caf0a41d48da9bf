"""An attribute's pending change, read without SQLAlchemy's per-object attribute views.

The first ``inspect(obj).attrs`` builds an ``AttributeState`` for every
mapped attribute of the object and keeps them on its ``InstanceState``,
each pointing back at it: the state then lives in a reference cycle until
the garbage collector's next pass. ``get_history`` answers the same
question (it is what ``AttributeState.history`` calls) and builds nothing
(docs/performance.md, session 7).
"""

from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history


def pending_history(obj, key):
    """``key``'s history on ``obj`` as ``inspect(obj).attrs[key].history`` gives it: never loading a value."""
    return get_history(obj, key, passive=PASSIVE_NO_INITIALIZE)
