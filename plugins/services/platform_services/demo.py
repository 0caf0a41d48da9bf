"""Demo data: a salon and spa's menu, prices per branch, packages, and packages its clients bought.

Runs after the clients plugin's demo (``services`` depends on ``clients``)
and the core's (the two branches), and sells packages to their clients.
"""

from decimal import Decimal

from sqlalchemy import select

from platform_core.locations.models import Location
from platform_clients.api import Client
from platform_services.consumption import consume_package
from platform_services.models import Package, PackageItem, Service, ServiceCategory, ServiceLocation
from platform_services.services import sell_package

VAT = Decimal("23.00")

CATEGORIES = [
    ("Hair", "Cuts, colour and styling."),
    ("Nails", "Manicures, pedicures and nail art."),
    ("Spa & massage", "Massages and heat treatments in our treatment rooms."),
    ("Skin & brows", "Facials, brows and lashes."),
]

# name, category, minutes, buffer before, buffer after, price, resource types, bookable online
SERVICES = [
    ("Women's cut & blow-dry", "Hair", 60, 0, 10, "45.00", ["staff"], True),
    ("Men's cut", "Hair", 30, 0, 5, "22.00", ["staff"], True),
    ("Beard trim", "Hair", 20, 0, 5, "15.00", ["staff"], True),
    ("Root colour", "Hair", 90, 5, 15, "65.00", ["staff"], True),
    ("Balayage", "Hair", 180, 10, 15, "140.00", ["staff"], False),
    ("Gel manicure", "Nails", 45, 0, 10, "28.00", ["staff"], True),
    ("Pedicure", "Nails", 50, 0, 10, "32.00", ["staff"], True),
    ("Nail art", "Nails", 30, 0, 5, "15.00", ["staff"], True),
    ("Swedish massage 60'", "Spa & massage", 60, 5, 15, "65.00", ["staff", "room"], True),
    ("Deep tissue massage 90'", "Spa & massage", 90, 5, 15, "90.00", ["staff", "room"], True),
    ("Hot stone massage", "Spa & massage", 75, 15, 20, "85.00", ["staff", "room", "equipment"], True),
    ("Couples massage", "Spa & massage", 60, 10, 20, "150.00", ["staff", "room"], False),
    ("Infrared sauna", "Spa & massage", 30, 0, 15, "20.00", ["room", "equipment"], True),
    ("Signature facial", "Skin & brows", 60, 5, 10, "70.00", ["staff", "room"], True),
    ("Brow shaping", "Skin & brows", 20, 0, 5, "14.00", ["staff"], True),
    ("Lash lift", "Skin & brows", 45, 0, 10, "45.00", ["staff"], True),
]

# The core demo's branches: the bigger one charges more for cuts, the smaller one for facials.
# (No branch turns a service off here: booking's demo books every active service at both.)
BRANCH_PRICES = [
    ("Avenidas Novas", "Women's cut & blow-dry", "49.00"),
    ("Chiado", "Signature facial", "75.00"),
]

# name, description, price, validity days, [(service, sessions)]
PACKAGES = [
    ("Massage ritual", "Five Swedish massages for the price of four and a half.", "290.00", 180,
     [("Swedish massage 60'", 5)]),
    ("Glow course", "A facial a month and brows to match.", "260.00", 120,
     [("Signature facial", 4), ("Brow shaping", 2)]),
    ("Hands & feet", "Five gel manicures and five pedicures.", "270.00", 365,
     [("Gel manicure", 5), ("Pedicure", 5)]),
]

# package, the service used so far, sessions used
SALES = [
    ("Massage ritual", "Swedish massage 60'", 0),
    ("Glow course", "Signature facial", 1),
    ("Hands & feet", "Gel manicure", 2),
    ("Massage ritual", "Swedish massage 60'", 3),
]


def add_demo_data(context):
    db = context.dbsession
    currency = context.business.currency
    categories = {name: ServiceCategory(name=name, description=text, position=index)
                  for index, (name, text) in enumerate(CATEGORIES, start=1)}
    db.add_all(categories.values())
    db.flush()
    services = {}
    for name, category, minutes, before, after, price, resources, online in SERVICES:
        services[name] = Service(
            name=name, category_id=categories[category].id, duration_minutes=minutes,
            buffer_before_minutes=before, buffer_after_minutes=after, price=Decimal(price), currency=currency,
            tax_rate=VAT, resource_types=resources, online_bookable=online, active=True,
        )
    db.add_all(services.values())
    db.flush()
    _branch_terms(db, services)
    packages = {}
    for name, description, price, days, lines in PACKAGES:
        packages[name] = Package(name=name, description=description, price=Decimal(price), currency=currency,
                                 validity_days=days, active=True)
        packages[name].items = [PackageItem(service_id=services[service].id, quantity=sessions, position=index)
                                for index, (service, sessions) in enumerate(lines)]
    db.add_all(packages.values())
    db.flush()
    _sell_to_clients(context, services, packages)


def _branch_terms(db, services):
    """Each branch charges its own price for one service; the rest keep the menu price everywhere."""
    branches = {location.name: location for location in db.scalars(select(Location))}
    for branch, service, price in BRANCH_PRICES:
        if branch in branches:
            db.add(ServiceLocation(service_id=services[service].id, location_id=branches[branch].id,
                                   available=True, price=Decimal(price)))
    db.flush()


def _sell_to_clients(context, services, packages):
    """The first clients (by name) bought a package each, and have used some of it."""
    clients = context.dbsession.scalars(select(Client).order_by(Client.last_name, Client.first_name).limit(4)).all()
    for client, (package, service, visits) in zip(clients, SALES, strict=False):
        sale = sell_package(context.request, client.id, packages[package].id)
        for visit in range(1, visits + 1):
            consume_package(context.request, sale.id, services[service].id, 1, f"demo-visit-{visit}")
