"""An attribute's pending change, read without SQLAlchemy's per-object attribute views.

``inspect(obj).attrs[key].history`` builds an ``AttributeState`` for each
attribute it is asked about, and keeps them all on the object's state: the
state and its views then refer to each other, so every object the flush
checks stays in memory until the garbage collector's next pass. Asking the
same question through ``get_history`` builds nothing (docs/performance.md,
"Garbage").
"""

from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history


def unloaded_history(obj, key):
    """``key``'s history on ``obj`` as ``inspect(obj).attrs[key].history`` gives it: never loading a value."""
    return get_history(obj, key, passive=PASSIVE_NO_INITIALIZE)
