"""The services plugin: the catalogue a business sells by time, and the packages clients prepay.

Routes live under ``/api/services``: categories, services (with per-location
availability and prices), packages, and client packages that are consumed
session by session. Other plugins use it only through
:mod:`platform_services.api` and :mod:`platform_services.events`.
"""

from platform_core.modules import PluginManifest
from platform_services.schemas import ServicesSettings

STAFF = ("admin", "manager", "agent")
MANAGERS = ("admin", "manager")


def _catalogue(collection):
    """Everyone on the staff reads the catalogue; admins and managers shape it."""
    return {f"services.{collection}.view": STAFF,
            **{f"services.{collection}.{verb}": MANAGERS for verb in ("create", "update", "delete", "restore")}}


PERMISSIONS = {
    **_catalogue("categories"),
    **_catalogue("services"),
    **_catalogue("packages"),
    # Front-desk agents sell packages and take sessions from them.
    "services.client_packages.view": STAFF,
    "services.client_packages.create": STAFF,
    "services.client_packages.consume": STAFF,
}


def includeme(config):
    from platform_clients.events import ClientsMerged
    from platform_services.subscribers import follow_client_merge
    from platform_services.views import CategoryResource, PackageResource, ServiceResource

    config.add_standard_resource(CategoryResource)
    config.add_standard_resource(ServiceResource)
    config.add_standard_resource(PackageResource)
    # Per-location terms and client packages (sold, read, consumed; never edited).
    config.scan("platform_services.views")
    # Data follows a merge even while the module is switched off.
    config.add_subscriber(follow_client_merge, ClientsMerged)


def demo(context):
    from platform_services.demo import add_demo_data

    add_demo_data(context)


manifest = PluginManifest(
    name="services",
    title="Services & packages",
    description="The service menu with durations, buffers and resources, prices per location, "
                "and prepaid packages of sessions.",
    depends=("clients",),
    includeme=includeme,
    migrations="platform_services:migrations/versions",
    models=("platform_services.models",),
    permissions=PERMISSIONS,
    settings_schema=ServicesSettings(),
    demo=demo,
)
