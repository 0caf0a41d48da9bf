"""CORS: browser front ends on the listed origins may call ``/api`` directly.

Off unless ``cors.origins`` lists exact origins (``https://app.example.com``);
``cors.max_age`` is how long, in seconds, a browser may cache a preflight's
answer (600 by default). Credentials are never allowed: the API authenticates
with bearer tokens, not cookies, so a browser has nothing ambient to send.

The tween sits under the request id's and over the transaction and the
exception view: error responses carry the headers too (a browser hides an
error it may not read), and a preflight is answered before routing,
authentication or a transaction are involved, so it never meets a 401 or 405.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from pyramid.exceptions import ConfigurationError
from pyramid.response import Response
from pyramid.tweens import EXCVIEW, INGRESS

from platform_core.envelope import render_error
from platform_core.errors import PermissionDenied
from platform_core.settings import get_int, get_list

API_PREFIX = "/api"
DEFAULT_MAX_AGE = 600
ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type, X-Business-Id, X-Request-Id"
EXPOSE_HEADERS = "X-Request-Id, Retry-After"


@dataclass(frozen=True)
class CorsSettings:
    """What ``includeme`` read and checked at startup, for the tween."""

    origins: frozenset
    #: Seconds, as the Access-Control-Max-Age header wants them.
    max_age: str


def parse_origins(settings):
    """The allowed origins; a value that can never match refuses to start.

    Browsers send ``scheme://host[:port]`` and nothing else, so a path, a
    trailing slash or ``*`` in the setting is a mistake, not a wish.
    """
    origins = frozenset(origin.lower() for origin in get_list(settings, "cors.origins"))
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or origin != f"{parts.scheme}://{parts.netloc}":
            raise ConfigurationError(
                f"Setting 'cors.origins': {origin!r} is not an origin such as https://app.example.com"
            )
    return origins


def cors_tween_factory(handler, registry):
    """Answer preflights from allowed origins; label API responses for them."""
    cors = registry["cors"]

    def cors_tween(request):
        if not _is_api(request.path_info):
            return handler(request)
        origin = request.headers.get("Origin")
        if _is_preflight(request):
            response = _preflight(origin, cors.max_age) if origin in cors.origins else _refuse(request)
        else:
            response = handler(request)
            if origin in cors.origins:
                _allow(response, origin)
        _vary_on_origin(response)
        return response

    return cors_tween


def _is_api(path):
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def _is_preflight(request):
    return (
        request.method == "OPTIONS"
        and "Origin" in request.headers
        and "Access-Control-Request-Method" in request.headers
    )


def _allow(response, origin):
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS


def _vary_on_origin(response):
    # Even an answer without CORS headers depends on Origin: a shared cache
    # must not hand that header-less copy to an allowed origin.
    if "Origin" not in (response.vary or ()):
        response.vary = (*(response.vary or ()), "Origin")


def _preflight(origin, max_age):
    response = Response(status=204, content_type=None)
    _allow(response, origin)
    response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
    response.headers["Access-Control-Max-Age"] = max_age
    return response


def _refuse(request):
    err = PermissionDenied("This origin may not call the API")
    return render_error(request, err.status, err.code, err.message)


def includeme(config):
    """Install the tween when origins are configured; without them CORS stays off."""
    settings = config.get_settings()
    origins = parse_origins(settings)
    if not origins:
        return
    config.registry["cors"] = CorsSettings(origins, str(get_int(settings, "cors.max_age", DEFAULT_MAX_AGE)))
    config.add_tween(
        "platform_core.cors.cors_tween_factory",
        under=("platform_core.request_id.request_id_tween_factory", INGRESS),
        over=("pyramid_tm.tm_tween_factory", EXCVIEW),
    )
