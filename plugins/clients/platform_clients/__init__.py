"""The clients plugin: client records with consent, merge, CSV import/export, and loyalty.

Routes live under ``/api/clients``. Other plugins use it only through
:mod:`platform_clients.api` and :mod:`platform_clients.events`.
"""

from platform_core.modules import PluginManifest
from platform_clients.schemas import ClientsSettings

STAFF = ("admin", "manager", "agent")
MANAGERS = ("admin", "manager")

PERMISSIONS = {
    "clients.clients.view": STAFF,
    "clients.clients.create": STAFF,
    "clients.clients.update": STAFF,
    "clients.clients.delete": MANAGERS,
    "clients.clients.restore": MANAGERS,
    "clients.clients.merge": MANAGERS,
    "clients.clients.import": MANAGERS,
    "clients.clients.export": MANAGERS,
    "clients.loyalty_programs.view": STAFF,
    "clients.loyalty_programs.create": MANAGERS,
    "clients.loyalty_programs.update": MANAGERS,
    "clients.loyalty_programs.delete": MANAGERS,
    "clients.loyalty_programs.restore": MANAGERS,
    "clients.loyalty.view": STAFF,
    "clients.loyalty.redeem": STAFF,
    "clients.loyalty.adjust": MANAGERS,
}


def includeme(config):
    from platform_clients.events import ClientsMerged, VisitCompleted
    from platform_clients.subscribers import earn_points, move_loyalty
    from platform_clients.views import ClientResource, LoyaltyProgramResource

    config.add_standard_resource(ClientResource)
    config.add_standard_resource(LoyaltyProgramResource)
    config.scan("platform_clients.views")
    # PurchaseCompleted is a VisitCompleted: one subscription hears both.
    config.add_module_subscriber(earn_points, VisitCompleted)
    # Data follows a merge even while a module is switched off.
    config.add_subscriber(move_loyalty, ClientsMerged)


def demo(context):
    from platform_clients.demo import add_demo_data

    add_demo_data(context)


manifest = PluginManifest(
    name="clients",
    title="Clients & loyalty",
    description="Client records with marketing consent, duplicate merge, CSV import/export and a loyalty ledger.",
    includeme=includeme,
    migrations="platform_clients:migrations/versions",
    models=("platform_clients.models",),
    permissions=PERMISSIONS,
    settings_schema=ClientsSettings(),
    demo=demo,
)
