"""The OpenAPI 3 document of the platform, with Swagger UI and ReDoc served offline.

Views describe themselves with :func:`api_doc`; :func:`includeme` serves the
document generated from every Cornice service at ``/schema`` and the two
documentation pages at ``/docs`` and ``/redoc``, relative to the route
prefix it is included under (``/api``).
"""

from pyramid.security import NO_PERMISSION_REQUIRED

from platform_core.openapi.annotations import api_doc
from platform_core.openapi.views import (
    REDOC_ASSETS,
    SWAGGER_UI_ASSETS,
    get_document,
    redoc_view,
    schema_view,
    swagger_ui_view,
)

__all__ = ["api_doc", "get_document"]

#: A day: the assets change only when the UI packages are upgraded.
_ASSET_MAX_AGE = 86400


def includeme(config):
    """The document, the two pages and their assets; all public, like the API's description."""
    public = {"permission": NO_PERMISSION_REQUIRED}
    config.add_route("openapi.schema", "/schema")
    config.add_view(schema_view, route_name="openapi.schema", request_method="GET", renderer="json", **public)
    config.add_route("openapi.docs", "/docs")
    config.add_view(swagger_ui_view, route_name="openapi.docs", request_method="GET", **public)
    config.add_route("openapi.redoc", "/redoc")
    config.add_view(redoc_view, route_name="openapi.redoc", request_method="GET", **public)
    config.add_static_view("docs/static", str(SWAGGER_UI_ASSETS), cache_max_age=_ASSET_MAX_AGE, **public)
    config.add_static_view("redoc/static", str(REDOC_ASSETS), cache_max_age=_ASSET_MAX_AGE, **public)
