"""Demo data: a living business for newcomers, made by the core and each plugin.

``platform <ini> demo`` creates (once) the demo business and its admin,
enables every installed module, adds the core's demo data, then calls each
plugin's ``manifest.demo(context)`` in dependency order.
"""

from dataclasses import dataclass

from sqlalchemy import select

from platform_core.db.tenancy import set_tenant
from platform_core.locations.models import Location
from platform_core.modules.state import ModuleState
from platform_core.tenancy.models import Business
from platform_core.tenancy.services import BusinessService

DEMO_SLUG = "demo-salon"
DEMO_EMAIL = "demo@example.com"
#: A fixed, documented password: the demo runs on a developer's machine (refused in production).
DEMO_PASSWORD = "lisbon-spa-2026"


@dataclass
class DemoContext:
    """What a plugin's demo hook works with; its session is scoped to the demo business."""

    request: object
    business: Business
    admin: object

    @property
    def dbsession(self):
        return self.request.dbsession


def create_demo(request, progress=print):
    """The demo business with every module and its demo data; None if it already exists."""
    db = request.dbsession
    if db.scalar(select(Business).where(Business.slug == DEMO_SLUG)) is not None:
        return None
    accounts = request.accounts
    admin = accounts.find_by_email(DEMO_EMAIL) or accounts.create_user(
        DEMO_EMAIL, DEMO_PASSWORD, "Dana Demo", verified=True
    )
    business = BusinessService(request).create(
        admin, "Demo Salon & Spa", slug=DEMO_SLUG, timezone="Europe/Lisbon", currency="EUR"
    )
    set_tenant(db, business.id, admin.id)
    context = DemoContext(request, business, admin)
    plugins = request.registry["plugins"]
    for name in plugins:
        ModuleState(request).enable(business.id, name)
    progress(f"  core: locations ({len(add_core_demo(context))})")
    for manifest in plugins.values():
        if manifest.demo is not None:
            progress(f"  {manifest.name}: demo data")
            manifest.demo(context)
            db.flush()
    return context


def add_core_demo(context):
    branches = [
        Location(name="Chiado", address="Rua Garrett 12, Lisboa", timezone="Europe/Lisbon", phone="+351210000001"),
        Location(name="Avenidas Novas", address="Av. da República 50, Lisboa", timezone="Europe/Lisbon",
                 phone="+351210000002"),
    ]
    context.dbsession.add_all(branches)
    context.dbsession.flush()
    return branches
