"""The parts of ``api-contract.md`` that every operation of the document shares.

The envelope, the error body, the bearer scheme, the ``X-Business-Id`` header
and the table of error codes are the same for the core and every plugin, so
they are written once here as OpenAPI components and referenced from each
operation; a plugin cannot describe them differently.
"""

import http

from platform_core.errors import APIError

OPENAPI_VERSION = "3.0.3"

SCHEMAS = "#/components/schemas/"
ENVELOPE_REF = {"$ref": SCHEMAS + "Envelope"}
PAGINATED_META_REF = {"$ref": SCHEMAS + "PaginatedMeta"}
ERROR_REF = {"$ref": SCHEMAS + "Error"}
BUSINESS_HEADER_REF = {"$ref": "#/components/parameters/XBusinessId"}
REQUEST_ID_HEADER_REF = {"$ref": "#/components/headers/XRequestId"}
RETRY_AFTER_HEADER_REF = {"$ref": "#/components/headers/RetryAfter"}
BEARER_SECURITY = [{"bearerAuth": []}]

#: Statuses whose answers carry ``Retry-After``.
RETRY_AFTER_STATUSES = frozenset({423, 429, 503})

#: The contract's table of error codes: code -> (status, when it is answered).
#: ``otp_invalid`` is 401 at login and 400 from ``2fa/enable`` and
#: ``2fa/disable``; a view of the latter lists it as ``(400, "otp_invalid")``.
ERROR_CODES = {
    "validation_error": (400, "a body, query or path value fails its schema"),
    "bad_request": (400, "malformed JSON, wrong content type, unusable headers"),
    "business_required": (400, "the route is tenant-scoped and no business could be chosen"),
    "not_authenticated": (401, "no token, expired, tampered, revoked, wrong type of token"),
    "invalid_credentials": (401, "login with an unknown email or a wrong password"),
    "otp_required": (401, "login of a user with 2FA enabled, without a code"),
    "otp_invalid": (401, "a wrong one-time code"),
    "permission_denied": (403, "authenticated but the role does not grant the permission"),
    "not_a_member": (403, "`X-Business-Id` names a business the user does not belong to"),
    "module_disabled": (403, "the route belongs to a plugin not enabled for the business"),
    "email_not_verified": (403, "login before the address is verified"),
    "not_found": (404, "no such object in this business"),
    "method_not_allowed": (405, "the route does not answer this method"),
    "conflict": (409, "the request contradicts the current state"),
    "slot_unavailable": (409, "booking: the resource is taken for that time"),
    "insufficient_stock": (409, "inventory: the movement would take stock below zero"),
    "module_required_by": (409, "enabled modules depend on this module"),
    "account_locked": (423, "too many failed logins; see `Retry-After`"),
    "rate_limited": (429, "too many requests; see `Retry-After`"),
    "server_error": (500, "anything unexpected; logged with the request id"),
    "unavailable": (503, "a required backing service (database, Redis) is down"),
}


def describe_error_code(code):
    """``(status, when)`` of a contract code or of a plugin's own code.

    A plugin's code is the ``code`` of an :class:`APIError` subclass it
    defines (``class SlotTaken(Conflict): code = "slot_taken"``), so its
    status is never written twice. An unknown code is a mistake in a view's
    ``api_doc`` and fails loudly rather than being documented wrongly.
    """
    if code in ERROR_CODES:
        return ERROR_CODES[code]
    cls = _error_class(code)
    if cls is not None:
        return cls.status, (cls.__doc__ or cls.message).strip().splitlines()[0]
    raise ValueError(
        f"Unknown error code {code!r} in an api_doc: use a code of api-contract.md "
        "or the code of an APIError subclass."
    )


def _error_class(code):
    """The first :class:`APIError` subclass that answers ``code``, if any."""
    pending = list(APIError.__subclasses__())
    while pending:
        cls = pending.pop(0)
        if cls.code == code:
            return cls
        pending.extend(cls.__subclasses__())
    return None


def components():
    """The components every document has; generated schemas are added to them."""
    return {
        "schemas": {
            "Envelope": {
                "type": "object",
                "description": "The body of every successful JSON answer.",
                "required": ["data", "message", "meta"],
                "properties": {
                    "data": {"description": "The payload; its shape is given by each operation."},
                    "message": {"type": "string", "description": "For people, not for programs."},
                    "meta": {"$ref": SCHEMAS + "Meta"},
                },
            },
            "Meta": {
                "type": "object",
                "additionalProperties": True,
                "description": "Information about the answer besides its data.",
                "example": {},
            },
            "PaginatedMeta": {
                "type": "object",
                "additionalProperties": True,
                "required": ["pagination"],
                "properties": {"pagination": {"$ref": SCHEMAS + "Pagination"}},
            },
            "Pagination": {
                "type": "object",
                "required": ["page", "page_size", "total", "pages"],
                "properties": {
                    "page": {"type": "integer", "minimum": 1, "example": 2},
                    "page_size": {"type": "integer", "minimum": 1, "maximum": 100, "example": 20},
                    "total": {"type": "integer", "minimum": 0, "example": 431},
                    "pages": {"type": "integer", "minimum": 0, "example": 22},
                },
            },
            "Error": {
                "type": "object",
                "description": "The body of every error answer.",
                "required": ["data", "message", "code", "errors"],
                "properties": {
                    "data": {
                        "type": "object", "nullable": True, "enum": [None], "description": "Always null.",
                    },
                    "message": {"type": "string", "description": "For people, not for programs."},
                    "code": {"type": "string", "description": "Stable and machine-readable."},
                    "errors": {
                        "type": "object",
                        "description": (
                            "Messages by field: dotted for nested fields, `_` for the body as a "
                            "whole; empty when no field is at fault."
                        ),
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        "example": {"price": ["Must be >= 0"]},
                    },
                },
            },
        },
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "The access token of `POST /api/auth/login`.",
            }
        },
        "parameters": {
            "XBusinessId": {
                "name": "X-Business-Id",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": (
                    "Selects the active business. Without it, a user with exactly one "
                    "membership acts in that business; otherwise tenant-scoped routes "
                    "answer 400 `business_required` (see the API contract)."
                ),
            }
        },
        "headers": {
            "XRequestId": {
                "schema": {"type": "string"},
                "description": "Echoes the request's `X-Request-Id`, or a new id; server logs carry it too.",
            },
            "RetryAfter": {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before trying again.",
            },
        },
    }


def error_response(status, codes):
    """The response for one status answered with one or more contract codes."""
    lines = []
    examples = {}
    for code in codes:
        lines.append(f"- `{code}`: {describe_error_code(code)[1]}")
        cls = _error_class(code)
        message = cls.message if cls is not None else _reason(status)
        examples[code] = {
            "summary": code,
            "value": {"data": None, "message": message, "code": code, "errors": {}},
        }
    headers = {"X-Request-Id": REQUEST_ID_HEADER_REF}
    if status in RETRY_AFTER_STATUSES:
        headers["Retry-After"] = RETRY_AFTER_HEADER_REF
    return {
        "description": f"{_reason(status)}:\n\n" + "\n".join(lines),
        "headers": headers,
        "content": {"application/json": {"schema": ERROR_REF, "examples": examples}},
    }


def success_response(status, data_schema, paginated):
    """The envelope of a successful answer whose ``data`` is ``data_schema``."""
    headers = {"X-Request-Id": REQUEST_ID_HEADER_REF}
    if status == 204:
        return {"description": _reason(status), "headers": headers}
    properties = {"data": {"type": "array", "items": data_schema} if paginated else data_schema}
    if paginated:
        properties["meta"] = PAGINATED_META_REF
    schema = {"allOf": [ENVELOPE_REF, {"type": "object", "properties": properties}]}
    return {
        "description": _reason(status),
        "headers": headers,
        "content": {"application/json": {"schema": schema}},
    }


def _reason(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"
