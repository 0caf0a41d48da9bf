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
        mapping = getattr(getattr(error, "msg", None), "mapping", None)
        pending += (error.__cause__, error.__context__, *_items(getattr(error, "children", None)),
                    *_items(getattr(error, "exceptions", None)), *_items(getattr(mapping, "values", None)))


def _items(found):
    """The items of a list, tuple or mapping's ``values`` method; nothing for anything else."""
    if callable(found):
        found = found()
    return tuple(found) if isinstance(found, (list, tuple, type({}.values()))) else ()
