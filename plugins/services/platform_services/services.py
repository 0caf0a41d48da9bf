"""The catalogue's rules: package lines, per-location terms, selling packages, following a merge.

Consuming a client package, the one rule that must hold under concurrent
requests, lives in :mod:`platform_services.consumption`.
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from platform_core.errors import Conflict, ValidationFailed
from platform_core.locations.models import Location
from platform_core.modules import ModuleState
from platform_services.events import PackageSold
from platform_services.models import (ClientPackage, ClientPackageBalance, Package, PackageItem, Service,
                                      ServiceLocation)

#: The kit's message for a reference outside the active business (as if it did not exist).
NO_SUCH_OBJECT = "No such object"


def services_settings(request, business_id):
    """The business's settings of the plugin, with the schema's defaults filled in."""
    return ModuleState(request).settings(business_id, "services")


def actor_id(request):
    """The acting user, or None outside a user's request (CLI, demo)."""
    identity = request.identity
    return identity.user_id if identity is not None else None


# -- packages -----------------------------------------------------------------------------

def check_package_items(db, items):
    """Each line names a live service of the business, once; errors are keyed ``items.<n>.service_id``."""
    if not items:
        return
    wanted = {item["service_id"] for item in items}
    known = set(db.scalars(select(Service.id).where(Service.id.in_(wanted))))
    errors, seen = {}, set()
    for index, item in enumerate(items):
        service_id = item["service_id"]
        if service_id not in known:
            errors[f"items.{index}.service_id"] = [NO_SUCH_OBJECT]
        elif service_id in seen:
            errors[f"items.{index}.service_id"] = ["Listed twice; give one line per service"]
        seen.add(service_id)
    if errors:
        raise ValidationFailed(errors=errors)


def replace_package_items(package, items):
    """Make the package's lines ``items``, in their order; a kept service keeps its row."""
    existing = {line.service_id: line for line in package.items}
    lines = []
    for position, item in enumerate(items):
        line = existing.pop(item["service_id"], None) or PackageItem(service_id=item["service_id"])
        line.quantity, line.position = item["quantity"], position
        lines.append(line)
    package.items = lines


def sell_package(request, client_id, package_id):
    """Record a client's purchase of a package: a copy of it, valid ``validity_days`` from now.

    ``client_id`` must be a client of the business (the resource checks its
    references). Only an active package is on sale (409 ``conflict`` otherwise). The
    sessions of each service are copied, so editing the package later never
    changes what a client already bought.
    """
    db = request.dbsession
    package = db.get(Package, package_id)
    if package is None:
        raise ValidationFailed.field("package_id", NO_SUCH_OBJECT)
    if not package.active:
        raise Conflict("This package is not on sale", errors={"package_id": ["The package is inactive"]})
    now = request.clock.now()
    sale = ClientPackage(client_id=client_id, package_id=package.id, name=package.name, price=package.price,
                         currency=package.currency, purchased_at=now,
                         expires_at=now + timedelta(days=package.validity_days))
    sale.balances = [ClientPackageBalance(service_id=line.service_id, quantity=line.quantity,
                                          remaining=line.quantity, position=line.position)
                     for line in package.items]
    db.add(sale)
    db.flush()
    request.registry.notify(PackageSold(request, sale.business_id, actor_id(request), sale))
    return sale


def move_client_packages(db, duplicate_id, survivor_id):
    """A merge: the duplicate's packages become the survivor's (each move is audited)."""
    for sale in db.scalars(select(ClientPackage).where(ClientPackage.client_id == duplicate_id)):
        sale.client_id = survivor_id
    db.flush()


# -- locations ----------------------------------------------------------------------------

def location_override(db, service_id, location_id):
    """The location's terms for the service, or None when it keeps the defaults."""
    return db.scalar(select(ServiceLocation).where(ServiceLocation.service_id == service_id,
                                                   ServiceLocation.location_id == location_id))


def set_location_override(db, service, location_id, available, price):
    """Set whether ``service`` is offered at a location of the business, and at what price (None: its own)."""
    if db.get(Location, location_id) is None:
        raise ValidationFailed.field("location_id", NO_SUCH_OBJECT)
    override = location_override(db, service.id, location_id)
    if override is None:
        try:
            with db.begin_nested():
                override = ServiceLocation(service_id=service.id, location_id=location_id)
                override.available, override.price = available, price
                db.add(override)
            return override
        except IntegrityError:
            # Another request set this location's terms first; ours are the latest.
            override = location_override(db, service.id, location_id)
    override.available, override.price = available, price
    db.flush()
    return override


def price_with(service, override):
    """What a client pays for ``service`` where ``override`` (or None) applies."""
    return override.price if override is not None and override.price is not None else service.price


def effective_price(db, service_id, location_id):
    """The service's price at the location (its override, else its own); None for an unknown service."""
    service = db.get(Service, service_id)
    if service is None:
        return None
    return price_with(service, location_override(db, service_id, location_id) if location_id else None)


def is_available_at(db, service_id, location_id):
    """Whether an active service of the business is offered at a location of the business."""
    service = db.get(Service, service_id)
    if service is None or not service.active or db.get(Location, location_id) is None:
        return False
    override = location_override(db, service_id, location_id)
    return override is None or override.available
