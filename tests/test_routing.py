"""The indexed routes mapper answers exactly what Pyramid's own mapper answers."""

import re

import pytest
from pyramid.interfaces import IRoutesMapper
from pyramid.request import Request
from pyramid.urldispatch import RoutesMapper

from platform_core.routing import IndexedRoutesMapper

ROUTES = [
    ("catch-api-x", "/api/{anything}/special"),
    ("health", "/api/health"),
    ("items", "/api/inventory/products"),
    ("item", "/api/inventory/products/{id:[0-9a-f-]{32,36}}"),
    ("import", "/api/inventory/products/import"),
    ("prefix-glued", "/api/inv{rest}"),
    ("third-glued", "/api/inventory/prod{rest}"),
    ("deep", "/api/inventory/products/import/{step}"),
    ("movements", "/api/inventory/stock-movements"),
    ("page", "/book/{slug}"),
    ("root", "/"),
    ("star", "/files/*subpath"),
]
PATHS = ["/", "/api", "/api/health", "/api/health/", "/api/inventory/products", "/api/inventory/special",
         "/api/inventory/products/0f3c2b8e-4b5e-4f7a-9a59-0b1c2d3e4f50", "/api/inventory/products/import",
         "/api/inventory/products/nope", "/api/inventorything", "/book/demo-salon", "/files/a/b", "/nowhere",
         "/api/%C3%A9t%C3%A9/special", "/api/inventory/productsx", "/api/inventory/products/import/preview",
         "/api/inventory/stock-movements", "/api/inventory/stock-movements/x"]


def matched(mapper, path):
    info = mapper(Request.blank(path))
    return (info["route"].name if info["route"] else None), info["match"]


@pytest.mark.parametrize("path", PATHS)
def test_it_matches_what_pyramid_matches_in_the_same_order(path):
    pyramid_mapper, indexed = RoutesMapper(), IndexedRoutesMapper()
    for name, pattern in ROUTES:
        pyramid_mapper.connect(name, pattern)
        indexed.connect(name, pattern)
    assert matched(indexed, path) == matched(pyramid_mapper, path)


def test_every_route_of_the_app_is_matched_as_pyramid_would(app):
    indexed = app.registry.getUtility(IRoutesMapper)
    pyramid_mapper = RoutesMapper()
    pyramid_mapper.routelist = indexed.routelist
    paths = {route.generate({name: "0f3c2b8e-4b5e-4f7a-9a59-0b1c2d3e4f50" for name in _placeholders(route)})
             for route in indexed.routelist}
    assert len(paths) > 50
    for path in sorted(paths):
        assert matched(indexed, path) == matched(pyramid_mapper, path), path


def _placeholders(route):
    return [brace or star for brace, star in re.findall(r"\{(\w+)|\*(\w+)", route.pattern)]


def test_predicates_still_decide_between_routes_of_one_path():
    indexed = IndexedRoutesMapper()
    indexed.connect("post-only", "/api/things", predicates=[lambda info, request: request.method == "POST"])
    indexed.connect("any", "/api/things")
    assert matched(indexed, "/api/things")[0] == "any"
    request = Request.blank("/api/things", method="POST")
    assert indexed(request)["route"].name == "post-only"


def test_the_app_uses_it(app):
    assert isinstance(app.registry.getUtility(IRoutesMapper), IndexedRoutesMapper)


def test_an_undecodable_path_is_pyramids_error_as_before():
    from pyramid.exceptions import URLDecodeError

    indexed = IndexedRoutesMapper()
    indexed.connect("health", "/api/health")
    with pytest.raises(URLDecodeError):
        indexed(Request.blank("/api/%FF"))
