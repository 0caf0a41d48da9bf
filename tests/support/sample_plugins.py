"""Two small plugins that exist only in the test app, to exercise the plugin system.

``alpha`` has a route and settings; ``beta`` depends on ``alpha`` and
subscribes to the core's location events. Registered as if installed (see
tests/conftest.py), they need no tables.
"""

import colander

from platform_core.events import ResourceCreated
from platform_core.modules import PluginManifest
from platform_core.rest import api_service
from platform_core.tenancy.models import ROLES

#: What beta's subscriber saw: (business_id, location name).
BETA_SAW = []


class AlphaSettings(colander.MappingSchema):
    greeting = colander.SchemaNode(colander.String(), missing="hello", validator=colander.Length(max=20))
    rounds = colander.SchemaNode(colander.Integer(), missing=1, validator=colander.Range(min=1, max=9))


def alpha_includeme(config):
    ping = api_service("alpha.ping", "/ping", depth=1)
    ping.add_view("GET", lambda request: {"data": {"pong": True}, "message": "OK", "meta": {}},
                  permission="alpha.ping.view")
    ping.add_view("POST", lambda request: {"data": {"pong": "posted"}, "message": "OK", "meta": {}},
                  permission="alpha.ping.create")
    config.add_cornice_service(ping)


def beta_includeme(config):
    echo = api_service("beta.echo", "/echo", depth=1)
    echo.add_view("GET", lambda request: {"data": {"echo": True}, "message": "OK", "meta": {}},
                  permission="beta.echo.view")
    config.add_cornice_service(echo)
    config.add_module_subscriber(record_location, ResourceCreated)


def record_location(event):
    if event.resource_type == "locations":
        BETA_SAW.append((event.business_id, event.obj.name))


alpha = PluginManifest(
    name="alpha", title="Alpha", version="1.2.0", description="Test plugin A", includeme=alpha_includeme,
    permissions={"alpha.ping.view": ROLES, "alpha.ping.create": ("admin",)}, settings_schema=AlphaSettings(),
)
beta = PluginManifest(
    name="beta", title="Beta", version="0.1.0", description="Test plugin B, needs A", includeme=beta_includeme,
    depends=("alpha>=1.0",), permissions={"beta.echo.view": ROLES},
)


