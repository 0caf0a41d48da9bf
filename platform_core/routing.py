"""Route matching that does not try every route of every plugin on every request.

Pyramid's mapper tries the routes one by one in registration order, each a
regular expression: with the core and four plugins that is over a hundred
routes, and a plugin's route registered late is matched after every earlier
one has failed. This mapper keeps Pyramid's semantics (the first route, in
registration order, whose pattern and predicates match) but first narrows
the routes to those that can match the path's first segments: a route whose
pattern starts with literal segments (``/api/inventory/products/...``) is
tried only for paths starting with them (up to three); a route starting
with a placeholder is tried for every path. The narrowed lists are computed
once per literal prefix that some route starts with.
"""

from pyramid.interfaces import IRoutesMapper
from pyramid.urldispatch import RoutesMapper

#: How many literal leading segments of a route are indexed.
DEPTH = 3


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
        """``{prefix: mapper}``: for each literal prefix some route starts with (up to :data:`DEPTH`
        segments, the empty one included), a mapper of the routes a path starting with it may match."""
        prefixes = {route.name: _literal_segments(route.pattern)[:DEPTH] for route in self.routelist}
        narrowed = {}
        for key in {*prefixes.values(), ()}:
            mapper = narrowed[key] = RoutesMapper()
            # Pyramid's own matching over the subset, in registration order: the routes whose prefix
            # begins the key (a longer prefix beginning a path would be a longer key of its own).
            mapper.routelist = [route for route in self.routelist
                                if key[:len(prefixes[route.name])] == prefixes[route.name]]
        return narrowed

    def __call__(self, request):
        narrowed = self._narrowed
        if narrowed is None:
            narrowed = self._narrowed = self._index()
        try:
            path = request.path_info or "/"
        except (KeyError, UnicodeDecodeError):
            return super().__call__(request)  # Pyramid answers undecodable paths itself
        segments = tuple(path.lstrip("/").split("/", DEPTH)[:DEPTH])
        for length in range(len(segments), -1, -1):
            mapper = narrowed.get(segments[:length])
            if mapper is not None:
                return mapper(request)


def includeme(config):
    """Install the mapper before any route is added (first include of ``main``)."""
    config.registry.registerUtility(IndexedRoutesMapper(), IRoutesMapper)
