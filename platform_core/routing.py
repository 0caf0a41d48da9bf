"""Route matching that does not try every route of every plugin on every request.

Pyramid's mapper tries the routes one by one in registration order, each a
regular expression: with the core and four plugins that is over a hundred
routes, and a plugin's route registered late is matched after every earlier
one has failed. This mapper keeps Pyramid's semantics (the first route, in
registration order, whose pattern and predicates match) but first narrows
the routes to those that can match the path's first two segments: a route
whose pattern starts with two literal segments (``/api/inventory/...``) is
tried only for paths starting with them; any other route is tried for
every path. The narrowed lists are computed once per pair of segments that
some route names.
"""

from pyramid.interfaces import IRoutesMapper
from pyramid.urldispatch import RoutesMapper

#: Literal leading segments a route must have to be indexed.
DEPTH = 2


def _literal_segments(pattern):
    """The complete literal segments a pattern starts with (``/api/locations/{id}`` → api, locations)."""
    segments = pattern.lstrip("/").split("/")
    literal = []
    for index, segment in enumerate(segments):
        if any(mark in segment for mark in "{*:"):
            break
        if index == len(segments) - 1 and not segment:
            break
        literal.append(segment)
    return tuple(literal)


class IndexedRoutesMapper(RoutesMapper):
    """Pyramid's routes mapper, handing each path to a mapper of the routes that can match it."""

    def __init__(self):
        super().__init__()
        self._narrowed = None

    def connect(self, *args, **kwargs):
        self._narrowed = None
        return super().connect(*args, **kwargs)

    def _index(self):
        """``{(segment, segment): mapper}`` and ``{None: mapper}`` of the routes any path may match."""
        keys = {}
        for route in self.routelist:
            literal = _literal_segments(route.pattern)
            keys[route.name] = literal[:DEPTH] if len(literal) >= DEPTH else None
        narrowed = {}
        for key in {*keys.values(), None}:
            mapper = narrowed[key] = RoutesMapper()
            # Pyramid's own matching over the subset, in registration order.
            mapper.routelist = [route for route in self.routelist if keys[route.name] in (key, None)]
        return narrowed

    def __call__(self, request):
        narrowed = self._narrowed
        if narrowed is None:
            narrowed = self._narrowed = self._index()
        try:
            path = request.path_info or "/"
        except (KeyError, UnicodeDecodeError):
            return super().__call__(request)  # Pyramid answers undecodable paths itself
        key = tuple(path.lstrip("/").split("/", DEPTH)[:DEPTH])
        return narrowed.get(key, narrowed[None])(request)


def includeme(config):
    """Install the mapper before any route is added (first include of ``main``)."""
    config.registry.registerUtility(IndexedRoutesMapper(), IRoutesMapper)
