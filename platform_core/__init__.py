"""The platform's core: the WSGI application factory.

``main`` reads as the table of contents of the system: each line includes one
part of the core, in the order the parts depend on each other.
"""

import warnings

# The stack's import-time deprecation notices would precede every command's
# output, server start and test run: pyramid 2.1 imports pkg_resources (kept
# working by the pin setuptools<82), paste declares a namespace package, and
# webob imports cgi (fine on Python 3.11 and 3.12).
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
warnings.filterwarnings("ignore", message="Deprecated call to `pkg_resources.declare_namespace",
                        category=DeprecationWarning)
warnings.filterwarnings("ignore", message="'cgi' is deprecated", category=DeprecationWarning)

from pyramid.config import Configurator  # noqa: E402

from platform_core.request_class import fold_request_properties  # noqa: E402
from platform_core.settings import check_secrets, get_list, resolve_environment_references  # noqa: E402
from platform_core.startup import freeze_startup_objects  # noqa: E402


def main(global_config=None, **settings):
    """Build the WSGI application from the ``[app:main]`` settings."""
    settings = resolve_environment_references(settings)
    check_secrets(settings)
    # Cornice's own exception views answer text/plain; the envelope's answer instead.
    settings["handle_exceptions"] = "false"

    with Configurator(settings=settings) as config:
        # Routes narrowed by their first path segments before matching (Pyramid's order kept).
        config.include("platform_core.routing")
        # X-Request-Id on every response and every log line; outermost, so errors carry it too.
        config.include("platform_core.request_id")
        # Browsers on the origins in cors.origins may call /api; off when the setting is empty.
        config.include("platform_core.cors")
        # One SQLAlchemy session and one transaction per request, with retries.
        config.include("platform_core.db")
        # The shared Redis client (or its in-process substitute).
        config.include("platform_core.redis_client")
        # The clock every expiry is checked against (tests replace it).
        config.include("platform_core.clock")
        # Outgoing mail, delivered only when the request's transaction commits.
        config.include("platform_core.mail")
        # Cornice: declarative REST services validated with colander.
        config.include("cornice")
        # The JSON renderer and the views that turn every error into the envelope.
        config.include("platform_core.envelope")
        with config.route_prefix_context("/api"):
            # Liveness of the database and Redis.
            config.include("platform_core.health")
            # Who is calling: accounts, tokens, 2FA, lockout, rate limits, the security policy.
            config.include("platform_core.auth")
            # Businesses, members, roles, permissions and the active business of a request.
            config.include("platform_core.tenancy")
            # The audit trail of every change to tenant data, and GET /api/audit-log.
            config.include("platform_core.audit")
            # The standard tenant-scoped collection (config.add_standard_resource).
            config.include("platform_core.resources")
            # The business's branches: the reference example of a standard resource.
            config.include("platform_core.locations")
            # Installed plugins, each under /api/<name>, switched on per business.
            config.include("platform_core.modules")
            # The OpenAPI document and its two documentation pages.
            config.include("platform_core.openapi")
        # Deployment-specific additions, after everything they may build on.
        for name in get_list(settings, "platform.includes"):
            config.include(name)
        # Every request property in one request class, made once (not one class per request).
        fold_request_properties(config)
        app = config.make_wsgi_app()
    # What startup built lives as long as the process: out of the collector's passes from now on.
    freeze_startup_objects()
    return app
