"""One OpenAPI operation from one Cornice view definition.

Everything comes from what the view already declares for Cornice (its
request schema and permission), its docstring and its ``api_doc``
annotation, so a plugin's routes are documented by writing them.
"""

import inspect

import colander
from pyramid.security import NO_PERMISSION_REQUIRED

from platform_core.auth.policy import AUTHENTICATED

from platform_core.openapi import contract

#: Request schema children that become parameters, and where they are sent.
_PARAMETER_LOCATIONS = {"path": "path", "querystring": "query", "header": "header"}

#: The contract's list parameters, documented on every paginated list that does not declare them.
_PAGINATION_PARAMETERS = (
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "default": 1},
        "description": "The page to answer, from 1.",
    },
    {
        "name": "page_size",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "default": 20},
        "description": "Items per page; a value above 100 is capped at 100.",
    },
)

_FREE_FORM = {"type": "object", "additionalProperties": True, "description": "Not described by the view."}


class ViewDefinition:
    """What the generator needs from one ``(method, view, args)`` of a Cornice service."""

    def __init__(self, service, view, args, default_permission):
        self.service = service
        self.callable = _view_callable(view, args)
        self.annotation = getattr(self.callable, "__openapi__", None) or {}
        schema = args.get("schema")
        self.schema = schema() if isinstance(schema, type) else schema
        permission = args.get("permission")
        self.permission = default_permission if permission is None else permission

    @property
    def public(self):
        """No bearer token needed: declared so, or no permission to check."""
        return bool(self.annotation.get("public")) or self.permission == NO_PERMISSION_REQUIRED

    @property
    def acts_in_a_business(self):
        """Checked against a role in the active business (not merely "logged in")."""
        return not self.public and self.permission not in (None, AUTHENTICATED)

    def schema_part(self, name):
        """The ``body``, ``querystring``, ``path`` or ``header`` child of the request schema."""
        if self.schema is None:
            return None
        return next((child for child in self.schema.children if child.name == name), None)


def _view_callable(view, args):
    # Resource methods arrive as a method name, or wrapped by Cornice with the
    # method kept as ``unbound_view``; the docstring and annotation are on the method.
    if isinstance(view, str):
        return getattr(args["klass"], view.lower())
    return getattr(view, "unbound_view", view)


def build_operation(definition, operation_id, route_placeholders, default_tag, converter):
    """The operation object of ``definition``; ``route_placeholders`` maps each
    ``{name}`` of the route pattern to its regex (or None)."""
    summary, description = _summary_and_description(definition)
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "tags": definition.annotation.get("tags") or [default_tag],
    }
    if description:
        operation["description"] = description
    parameters = _parameters(definition, route_placeholders, converter)
    if parameters:
        operation["parameters"] = parameters
    body = definition.schema_part("body")
    if body is not None:
        operation["requestBody"] = _request_body(body, converter)
    operation["responses"] = _responses(definition, bool(route_placeholders), converter)
    if not definition.public:
        operation["security"] = contract.BEARER_SECURITY
    return operation


def _summary_and_description(definition):
    doc = inspect.getdoc(definition.callable) or ""
    first, _, rest = doc.partition("\n")
    summary = first.strip() or definition.service.description or definition.service.name
    return summary, rest.strip()


def _parameters(definition, route_placeholders, converter):
    parameters = []
    for part, location in _PARAMETER_LOCATIONS.items():
        node = definition.schema_part(part)
        for child in node.children if node is not None else ():
            parameters.append(_parameter(child, location, converter))
    declared = {(parameter["in"], parameter["name"]) for parameter in parameters}
    for name, regex in route_placeholders.items():
        if ("path", name) not in declared:
            schema = {"type": "string", "pattern": f"^{regex}$"} if regex else {"type": "string"}
            parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    if definition.annotation.get("paginated"):
        parameters.extend(p for p in _PAGINATION_PARAMETERS if ("query", p["name"]) not in declared)
    if definition.acts_in_a_business:
        parameters.append(contract.BUSINESS_HEADER_REF)
    return parameters


def _parameter(node, location, converter):
    schema = converter.convert(node)
    parameter = {"name": node.name, "in": location, "required": location == "path" or node.required}
    if "description" in schema:
        parameter["description"] = schema.pop("description")
    parameter["schema"] = schema
    return parameter


def _request_body(node, converter):
    schema = converter.convert(node)
    request_body = {"required": node.required, "content": {"application/json": {"schema": schema}}}
    if "description" in schema:
        request_body["description"] = schema.pop("description")
    return request_body


def _responses(definition, has_path_parameters, converter):
    annotation = definition.annotation
    status = annotation.get("status", 200)
    data_node = annotation.get("response")
    data_schema = converter.convert(_instance(data_node)) if data_node is not None else dict(_FREE_FORM)
    paginated = annotation.get("paginated", False)
    responses = {str(status): contract.success_response(status, data_schema, paginated)}
    for error_status, codes in sorted(_error_codes(definition, has_path_parameters).items()):
        responses[str(error_status)] = contract.error_response(error_status, codes)
    return responses


def _error_codes(definition, has_path_parameters):
    """Codes this operation may answer, by status, in the order they were found."""
    listed = []
    if definition.schema is not None:
        listed.append("validation_error")
    if definition.schema_part("body") is not None:
        listed.append("bad_request")
    if not definition.public:
        listed.append("not_authenticated")
    if definition.acts_in_a_business:
        listed.extend(("permission_denied", "business_required", "not_a_member"))
    if has_path_parameters:
        listed.append("not_found")
    listed.append("server_error")
    listed.extend(definition.annotation.get("errors", ()))
    by_status = {}
    for entry in listed:
        status, code = entry if isinstance(entry, tuple) else (contract.describe_error_code(entry)[0], entry)
        codes = by_status.setdefault(status, [])
        if code not in codes:
            codes.append(code)
    return by_status


def _instance(node):
    return node() if isinstance(node, type) and issubclass(node, colander.SchemaNode) else node
