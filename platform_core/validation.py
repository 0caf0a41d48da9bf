"""Request validation: Cornice's colander pipeline, answered in the envelope.

A view declares one colander schema with optional ``body``, ``querystring``
and ``path`` children (see :func:`request_schema`); Cornice validates before
the view runs and the view reads ``request.validated``. Failures become 400
``validation_error`` with per-field messages, except a body that is not JSON
or not sent as JSON, which is 400 ``bad_request``.
"""

import re

import colander
import orjson

from platform_core.errors import BadRequest, ValidationFailed
from platform_core.tracebacks import drop_tracebacks

_JSON_CONTENT_TYPE = re.compile(r"^application/([a-z0-9.+-]*\+)?json$")

#: How a NUL character is written in JSON text (see :func:`extract_json_request`).
_NUL_ESCAPE = b"\\u0000"

#: Set on a request whose body cannot be read at all (bad_request, not validation_error).
_UNREADABLE = "platform.body_unreadable"


def extract_json_request(request):
    """Cornice deserializer: the request's parts, its body read only as JSON.

    The body is parsed with orjson, which refuses what would later break
    storage or rendering (invalid UTF-8, lone surrogates, nesting deeper than
    1024); NUL characters are refused too (PostgreSQL cannot store them). A
    body on a JSON route that is not sent as JSON is refused rather than
    silently validated as empty.
    """
    body = {}
    raw = request.body
    if raw:
        if not _JSON_CONTENT_TYPE.match(request.content_type or ""):
            return _unreadable(request, "header", "Content-Type", "Send the body as application/json")
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return _unreadable(request, "body", "", "The body is not valid JSON")
        if not isinstance(body, (dict, list)):
            request.errors.add("body", "", "Should be a JSON object or an array")
            return {}
        # JSON can only carry a NUL escaped (orjson refuses a raw control character): no escape, no walk.
        if _NUL_ESCAPE in raw and _has_nul(body):
            return _unreadable(request, "body", "", "Text must not contain NUL characters")
    # The parts a request_schema can have; headers and cookies are read by the code that needs them.
    return {"path": request.matchdict, "body": body, "querystring": request.GET.mixed()}


def _unreadable(request, location, name, message):
    request.environ[_UNREADABLE] = True
    request.errors.add(location, name, message)
    return {}


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def validate_request(request, schema=None, **kwargs):
    """The validator of every platform view that declares a ``schema``: what Cornice's colander validator
    does, with colander's messages for a value of the wrong JSON type made plain (:data:`PLAIN_MESSAGES`)."""
    if str(kwargs.get("content_type", "")).startswith("multipart/"):
        return  # an upload route (CSV import) reads its own form fields
    deserializer = kwargs.get("deserializer") or extract_json_request
    cstruct = deserializer(request)
    if request.errors or schema is None:
        return
    try:
        deserialized = schema.deserialize(cstruct)
    except colander.Invalid as invalid:
        for name, message in invalid.asdict(translate=_plain(request.localizer.translate)).items():
            location, _, field = name.partition(".")
            request.errors.add(location, field, message)
        drop_tracebacks(invalid)  # its frames hold this request
    else:
        request.validated.update(deserialized)


#: colander's messages (by message id) for a value of the wrong JSON type, some of which quote Python's
#: own error (``5 is not a string: {'sku': ''}``), and what a client reads instead.
PLAIN_MESSAGES = {
    "${val} is not a string: ${err}": "Must be text",
    '"${val}" is not a number': "Must be a number",
    '"${val}" is neither in (${false_choices}) nor in (${true_choices})': "Must be true or false",
    '"${val}" is not a mapping type: ${err}': "Must be an object",
    '"${val}" is not iterable': "Must be a list",
    "${cstruct} is not iterable": "Must be a list",
}


def _plain(translate):
    """colander's ``translate`` hook: a wrong type's message made plain, any other one translated."""

    def plain(message):
        return PLAIN_MESSAGES.get(message) or translate(message)

    return plain


def request_schema(body=None, querystring=None, path=None, name="Request"):
    """Combine a body, querystring and path schema into Cornice's request schema."""
    schema = colander.SchemaNode(colander.Mapping(unknown="ignore"), name="")
    schema.title = name
    for location, node in (("body", body), ("querystring", querystring), ("path", path)):
        if node is None:
            continue
        node = node() if isinstance(node, type) else node.clone()
        node.name = location
        if location != "body":
            node.missing = colander.drop
        schema.add(node)
    return schema


def envelope_error_handler(request):
    """Cornice's error handler: raise the collected errors as the contract's error.

    It raises rather than returns: Cornice also calls it from its fallback
    view (wrong content type), which raises whatever it gets.
    """
    errors = {}
    for error in request.errors:
        location, name = error["location"], error["name"] or ""
        field = name if location in ("body", "header") else (name or location)
        errors.setdefault(field or "_", []).extend(_split_messages(error["description"]))
    if request.environ.get(_UNREADABLE) or getattr(request.errors, "status", 400) in (406, 415):
        raise BadRequest("The request body cannot be read", errors=errors)
    raise ValidationFailed(errors=errors)


def _split_messages(description):
    if isinstance(description, bytes):
        description = description.decode("utf-8", "replace")
    # colander joins several messages for one field with "; ".
    return [part for part in str(description).split("; ") if part]
