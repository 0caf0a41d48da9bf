"""The OpenAPI document of a configured application, built from its Cornice services.

No route is described by hand: every Cornice service of the registry (the
core's and every loaded plugin's) becomes a path, each of its view
definitions an operation. Routes that are not Cornice services (the
documentation pages themselves, static assets) are not part of the API and
stay out of the document.
"""

import importlib.metadata
import re

from pyramid.interfaces import IDefaultPermission, IRoutesMapper

from platform_core.openapi import contract
from platform_core.openapi.colander_to_jsonschema import SchemaConverter
from platform_core.openapi.operations import ViewDefinition, build_operation

TITLE = "Service Business Platform API"

DESCRIPTION = """\
Every JSON answer is an envelope: `{data, message, meta}` on success, \
`{data: null, message, code, errors}` on error, where `code` is stable and \
`errors` maps field names to lists of messages. Lists are paginated with \
`page` and `page_size`; `meta.pagination` says where the page is.

Send the access token as `Authorization: Bearer <token>` on every route that \
is not public, and choose the business with `X-Business-Id` when the user \
belongs to more than one.
"""

#: Methods in the order the UIs list them; HEAD and OPTIONS are Cornice's, not the API's.
_METHODS = ("get", "post", "put", "patch", "delete")

#: ``{name}`` or ``{name:regex}`` (the regex may hold one level of braces), as Pyramid reads them.
_PLACEHOLDER = re.compile(r"\{([_a-zA-Z][^{}:]*)(?::((?:[^{}]|\{[^{}]*\})*))?\}")
#: Pyramid's ``*name`` remainder at the end of a pattern.
_REMAINDER = re.compile(r"\*([_a-zA-Z]\w*)$")


def generate(registry):
    """The OpenAPI document (a dict) of the application configured in ``registry``."""
    converter = SchemaConverter()
    mapper = registry.getUtility(IRoutesMapper)
    default_permission = registry.queryUtility(IDefaultPermission)
    paths = {}
    for service in sorted(registry.cornice_services.values(), key=_route_name):
        route = mapper.get_route(_route_name(service))
        path, placeholders = openapi_path(route.pattern if route is not None else service.path)
        path_item = paths.setdefault(path, {})
        for method, view, args in service.definitions:
            verb = method.lower()
            # Two definitions of one method differ only by predicates: the first one speaks for both.
            if verb not in _METHODS or verb in path_item:
                continue
            definition = ViewDefinition(service, view, args, default_permission)
            path_item[verb] = build_operation(
                definition, f"{_route_name(service)}.{verb}", placeholders, _default_tag(path), converter
            )
    components = contract.components()
    components["schemas"].update(converter.components(reserved=components["schemas"]))
    paths = {
        path: {verb: item[verb] for verb in _METHODS if verb in item}
        for path, item in sorted(paths.items())
        if item
    }
    operations = [operation for item in paths.values() for operation in item.values()]
    tags = sorted({tag for operation in operations for tag in operation["tags"]})
    return {
        "openapi": contract.OPENAPI_VERSION,
        "info": {
            "title": TITLE,
            "version": importlib.metadata.version("platform-core"),
            "description": DESCRIPTION,
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": components,
    }


def openapi_path(pattern):
    """``(path, {placeholder: regex or None})`` of a Pyramid route pattern.

    ``api/items/{id:\\d+}`` becomes ``/api/items/{id}`` with ``{"id": "\\d+"}``;
    a ``*rest`` remainder becomes ``{rest}``.
    """
    placeholders = {}

    def replace(match):
        placeholders[match.group(1)] = match.group(2)
        return "{" + match.group(1) + "}"

    path = _PLACEHOLDER.sub(replace, pattern)
    remainder = _REMAINDER.search(path)
    if remainder:
        placeholders[remainder.group(1)] = None
        path = path[: remainder.start()] + "{" + remainder.group(1) + "}"
    return "/" + path.lstrip("/"), placeholders


def _route_name(service):
    return service.pyramid_route or service.name


def _default_tag(path):
    """The plugin (or core part) a path belongs to: its first segment after ``/api``."""
    segments = [segment for segment in path.split("/") if segment]
    if segments[:1] == ["api"]:
        segments = segments[1:]
    return segments[0] if segments else "api"
