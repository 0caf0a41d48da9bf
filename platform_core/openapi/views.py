"""``/api/schema``, ``/api/docs`` and ``/api/redoc``.

The document is generated once per application, on its first request: by
then every plugin has registered its routes. The two pages are small HTML
templates whose scripts and styles are served by the platform from the
installed Swagger UI and ReDoc packages, so they work with no internet.
"""

import functools
import html
import json
import pathlib
import string
from importlib import resources

import openapi_ui_bundles.redoc
import swagger_ui_bundle
from pyramid.response import Response

from platform_core.openapi.generator import TITLE, generate

#: Registry key of the generated document.
DOCUMENT_KEY = "platform_core.openapi.document"

#: Folders of the installed UI packages, each served by a static view.
SWAGGER_UI_ASSETS = pathlib.Path(str(swagger_ui_bundle.swagger_ui_path))
REDOC_ASSETS = pathlib.Path(str(openapi_ui_bundles.redoc.static_path))


def get_document(request):
    """The application's OpenAPI document, generated on first use and kept on the registry."""
    document = request.registry.get(DOCUMENT_KEY)
    if document is None:
        document = request.registry[DOCUMENT_KEY] = generate(request.registry)
    return document


def schema_view(request):
    """The bare OpenAPI document: the one answer under ``/api`` without the envelope."""
    return get_document(request)


def swagger_ui_view(request):
    """Swagger UI, with "Authorize" for a bearer token that survives a reload."""
    config = {
        "url": request.route_path("openapi.schema"),
        "dom_id": "#swagger-ui",
        "deepLinking": True,
        "persistAuthorization": True,
        "displayRequestDuration": True,
        "filter": True,
        # The default sends the document to swagger.io for a validity badge.
        "validatorUrl": None,
    }
    return _page(
        "swagger-ui.html",
        title=html.escape(TITLE),
        stylesheet=_asset(request, SWAGGER_UI_ASSETS / "swagger-ui.css"),
        favicon=_asset(request, SWAGGER_UI_ASSETS / "favicon-32x32.png"),
        script=_asset(request, SWAGGER_UI_ASSETS / "swagger-ui-bundle.js"),
        # "<" escaped so no value can close the script element.
        config=json.dumps(config).replace("<", "\\u003c"),
    )


def redoc_view(request):
    """ReDoc: the same document as a readable reference."""
    return _page(
        "redoc.html",
        title=html.escape(TITLE),
        spec_url=html.escape(request.route_path("openapi.schema")),
        script=_asset(request, REDOC_ASSETS / "redoc.standalone.js"),
    )


def _asset(request, path):
    return html.escape(request.static_path(str(path)))


def _page(template, **values):
    body = _template(template).substitute(values)
    return Response(text=body, content_type="text/html", charset="utf-8")


@functools.cache
def _template(name):
    text = resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    return string.Template(text)
