"""Finding the object a path names, or answering 404: one way for the core and every plugin."""

import uuid

from platform_core.errors import NotFound


def no_such(title):
    """The 404 for a ``title`` that is not there (or not the active business's)."""
    return NotFound(f"No such {title}")


def path_uuid(request, title, name="id"):
    """The path segment ``name`` as a UUID; 404 ``No such <title>`` when it is none.

    A malformed id names nothing, so it is the same 404 as an unknown one.
    """
    try:
        return uuid.UUID(request.matchdict[name])
    except (KeyError, ValueError):
        raise no_such(title) from None


def get_or_404(session, model, object_id, title, **options):
    """``session.get``: the active business's object (live unless asked), or 404 ``No such <title>``."""
    obj = session.get(model, object_id, **options)
    if obj is None:
        raise no_such(title)
    return obj
