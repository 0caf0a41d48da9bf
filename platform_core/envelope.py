"""The response envelope: success bodies, the JSON renderer and the error views.

Every JSON answer of the platform is ``{"data", "message", "meta"}`` on
success and ``{"data": null, "message", "code", "errors"}`` on error (see
``api-contract.md``). Views return the success shape through the helpers
below; errors are raised as :class:`platform_core.errors.APIError` (or any
exception) and rendered here, in one place, so no plugin can drift from the
contract and no traceback can reach a client.
"""

import datetime
import decimal
import functools
import json
import logging
import math
import uuid

import orjson
from pyramid.httpexceptions import HTTPException
from pyramid.renderers import JSON
from pyramid.view import exception_view_config
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from platform_core.db.errors import conflict_from
from platform_core.errors import APIError, NotAuthenticated, Unavailable
from platform_core.tracebacks import drop_tracebacks

log = logging.getLogger(__name__)

#: Error codes for Pyramid's own HTTP exceptions, by status.
HTTP_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    415: "bad_request",
    429: "rate_limited",
}

HTTP_STATUS_MESSAGES = {
    404: "Not found",
    405: "Method not allowed",
    415: "Unsupported content type",
}


def ok(data=None, message="OK", meta=None):
    """A success body."""
    return {"data": data, "message": message, "meta": meta or {}}


def created(request, data, message="Created"):
    """A 201 success body for a new object."""
    request.response.status_code = 201
    return ok(data, message)


def updated(data, message="Updated"):
    """A success body for a changed object."""
    return ok(data, message)


def deleted(message="Deleted"):
    """A success body for a deletion; there is no object left to show."""
    return ok(None, message)


def paginated(items, page, page_size, total, message="OK", meta=None):
    """A list body with ``meta.pagination`` as the contract describes it."""
    pages = math.ceil(total / page_size) if page_size else 0
    pagination = {"page": page, "page_size": page_size, "total": total, "pages": pages}
    return ok(items, message, {**(meta or {}), "pagination": pagination})


def error_body(code, message, errors=None):
    """An error body; ``errors`` maps field names to lists of messages."""
    return {"data": None, "message": message, "code": code, "errors": errors or {}}


def render_error(request, status, code, message, errors=None, headers=None):
    """Turn an error into the response of this request, in the envelope."""
    response = request.response
    response.status_code = status
    response.content_type = "application/json"
    response.charset = "utf-8"
    response.body = _dumps(error_body(code, message, errors))
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _json_default(value):
    """What orjson does not write itself: decimals as strings, sets as sorted lists."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _python_default(value):
    """The same values for the standard library's encoder, which writes neither dates nor UUIDs."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return _json_default(value)


def _dumps(value):
    """JSON bytes; datetimes in ISO 8601 with their offset, naive ones as UTC (SQLite drops the offset)."""
    try:
        return orjson.dumps(value, default=_json_default, option=orjson.OPT_NAIVE_UTC)
    except (orjson.JSONEncodeError, TypeError):
        # Text orjson will not write (a lone surrogate echoed in a message,
        # an integer wider than 64 bits): the slower encoder escapes it.
        return json.dumps(value, default=_python_default, ensure_ascii=True).encode()


def _serializer(value, default=None, **kw):
    # Bytes: Pyramid sets them as the body as they are (a str would be encoded again).
    return _dumps(value)


def _error_view(*exception_types):
    """An exception view of ``exception_types`` (a decorator) whose exception lets go of its traceback when the
    request ends.

    Pyramid keeps the exception and ``sys.exc_info()`` on the request
    (``request.exception``, ``request.exc_info``; pyramid_retry reads the
    exception after the request to decide on a replay), and the traceback's frames
    hold the request: every error response would otherwise leave the whole
    request in a reference cycle (:mod:`platform_core.tracebacks`). A
    finished callback keeps the exception and drops its traceback, once the
    error view has logged it. Private: venusian records the module that
    calls ``exception_view_config``, this one, so a plugin's scan would skip
    views decorated with it.
    """

    def register(view):
        @functools.wraps(view)
        def forgetting_view(exc, request):
            request.add_finished_callback(_drop_traceback)
            return view(exc, request)

        for exception_type in exception_types:
            exception_view_config(exception_type)(forgetting_view)
        return forgetting_view

    return register


def _drop_traceback(request):
    exc_info = request.__dict__.get("exc_info")
    if exc_info is not None:
        request.exc_info = (exc_info[0], exc_info[1], None)
    drop_tracebacks(request.__dict__.get("exception"))


@_error_view(APIError)
def api_error_view(exc, request):
    """Any :class:`APIError`, raised by the core or a plugin."""
    return render_error(request, exc.status, exc.code, exc.message, exc.errors, exc.headers)


@_error_view(HTTPException)
def http_exception_view(exc, request):
    """Pyramid's own HTTP exceptions: unknown routes, wrong methods, denials."""
    status = exc.status_code
    if status < 400:
        return exc
    if status == 403 and request.authenticated_userid is None:
        # The security policy denies anonymous callers the same way it denies
        # members without the permission; to the client these differ.
        err = NotAuthenticated()
        return render_error(request, err.status, err.code, err.message, headers=err.headers)
    code = HTTP_STATUS_CODES.get(status, "server_error" if status >= 500 else "bad_request")
    message = HTTP_STATUS_MESSAGES.get(status, exc.title)
    headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
    return render_error(request, status, code, message, headers=headers)


@_error_view(IntegrityError)
def integrity_error_view(exc, request):
    """A unique or foreign-key violation the code did not foresee (a race): 409, never 500."""
    err = conflict_from(exc)
    return render_error(request, err.status, err.code, err.message, err.errors)


@_error_view(decimal.InvalidOperation)
def invalid_number_view(exc, request):
    """NaN or an infinity reached a comparison (a Range validator, a column): the input's fault."""
    return render_error(request, 400, "validation_error", "Validation failed",
                        {"_": ["Numbers must be finite"]})


@_error_view(RedisConnectionError, RedisTimeoutError, OperationalError)
def backing_service_down_view(exc, request):
    """The database or Redis could not be reached: 503, never a traceback."""
    log.error("backing service unavailable: %s", type(exc).__name__, exc_info=exc)
    err = Unavailable()
    return render_error(request, err.status, err.code, err.message, headers={"Retry-After": "5"})


@_error_view(Exception)
def server_error_view(exc, request):
    """Anything unexpected: logged in full with the request id, answered plainly."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return backing_service_down_view(exc, request)
    log.exception("unhandled error in %s %s", request.method, request.path)
    return render_error(request, 500, "server_error", "An unexpected error occurred")


def includeme(config):
    """Register the JSON renderer and the error views."""
    config.add_renderer("json", JSON(serializer=_serializer))
    config.scan(__name__)
