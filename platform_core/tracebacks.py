"""Letting go of an error's traceback once it has been handled, so that the request is freed with it.

A traceback keeps every frame it passed through, and the frames keep their
locals: the request, its session, the response. An exception kept after it
was handled (Pyramid keeps it on the request, colander keeps each nested
error) therefore keeps the whole request in a reference cycle that only the
garbage collector can free, which under load is most of what it has to do
(docs/performance.md, "Garbage").
"""


def drop_tracebacks(error):
    """Forget the tracebacks of ``error``, of the errors it was raised from or during, and of those nested in it
    (colander's ``children``, an exception group's ``exceptions``, and errors quoted in its message's
    ``mapping``). The errors themselves stay. Only exceptions are followed, whatever else another library's
    error carries under those names: this runs in a finished callback, where raising would lose the response."""
    pending, seen = [error], set()
    while pending:
        error = pending.pop()
        if not isinstance(error, BaseException) or id(error) in seen:
            continue
        seen.add(id(error))
        error.__traceback__ = None
        pending += (error.__cause__, error.__context__, *_nested(error))


def _nested(error):
    """The errors ``error`` holds besides its cause and context, by the kinds named above."""
    children, grouped = getattr(error, "children", None), getattr(error, "exceptions", None)
    mapping = getattr(getattr(error, "msg", None), "mapping", None)
    return (*(children if isinstance(children, list) else ()), *(grouped if isinstance(grouped, tuple) else ()),
            *(mapping.values() if isinstance(mapping, dict) else ()))
