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
from pyramid.urldispatch import RoutesMapper, URLDecodeError

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
    """Pyramid's routes mapper, narrowing the candidate routes by the path's first segments."""

    def __init__(self):
        super().__init__()
        self._candidates = None

    def connect(self, *args, **kwargs):
        self._candidates = None
        return super().connect(*args, **kwargs)

    def _index(self):
        keys = set()
        for route in self.routelist:
            literal = _literal_segments(route.pattern)
            route_key = literal[:DEPTH] if len(literal) >= DEPTH else None
            route._platform_key = route_key
            if route_key is not None:
                keys.add(route_key)
        candidates = {key: [route for route in self.routelist if route._platform_key in (key, None)] for key in keys}
        candidates[None] = [route for route in self.routelist if route._platform_key is None]
        return candidates

    def __call__(self, request):
        try:
            path = request.path_info or "/"
        except KeyError:
            path = "/"
        except UnicodeDecodeError as e:
            raise URLDecodeError(e.encoding, e.object, e.start, e.end, e.reason) from None
        candidates = self._candidates
        if candidates is None:
            candidates = self._candidates = self._index()
        key = tuple(path.lstrip("/").split("/", DEPTH)[:DEPTH])
        for route in candidates.get(key, candidates[None]):
            match = route.match(path)
            if match is not None:
                predicates = route.predicates
                info = {"match": match, "route": route}
                if predicates and not all(predicate(info, request) for predicate in predicates):
                    continue
                return info
        return {"route": None, "match": None}


def includeme(config):
    """Install the mapper before any route is added (first include of ``main``)."""
    config.registry.registerUtility(IndexedRoutesMapper(), IRoutesMapper)
