"""Fixtures of the inventory plugin's tests (the platform's kit provides the rest)."""

from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import select

from platform_inventory.events import StockLow
from platform_inventory.models import StockLevel, StockMovement

API = "/api/inventory"


def assert_ledger_balanced(dbsession):
    """Every stock level equals the sum of its movements, and every movement has its level.

    Computed here, independently of the plugin's own ``verify`` command.
    """
    sums = defaultdict(Decimal)
    for business_id, product_id, location_id, quantity in dbsession.execute(
            select(StockMovement.business_id, StockMovement.product_id, StockMovement.location_id,
                   StockMovement.quantity)):
        sums[business_id, product_id, location_id] += quantity
    levels = {(business_id, product_id, location_id): quantity for business_id, product_id, location_id, quantity
              in dbsession.execute(select(StockLevel.business_id, StockLevel.product_id, StockLevel.location_id,
                                          StockLevel.quantity))}
    assert set(sums) <= set(levels), "movements without a level"
    for key, quantity in levels.items():
        assert quantity == sums.get(key, Decimal("0")), f"level {quantity} != ledger {sums.get(key)} for {key}"


@pytest.fixture
def check_ledger(dbsession):
    """Assert the ledger invariant now (it is asserted after every test using ``staff`` anyway)."""
    return lambda: assert_ledger_balanced(dbsession)


@pytest.fixture
def balanced_ledger(dbsession):
    """After the test, the ledger invariant holds (for every test that uses the ``staff`` fixture)."""
    yield
    assert_ledger_balanced(dbsession)


@pytest.fixture
def staff(factory, balanced_ledger):
    """Callers of one business with inventory enabled: admin, manager, agent and subscriber."""
    admin = factory.caller(role="admin")
    factory.enable_modules(admin.business, "inventory")
    return {"admin": admin, **{role: factory.caller(role=role, business=admin.business)
                               for role in ("manager", "agent", "subscriber")}}


@pytest.fixture
def admin(staff):
    return staff["admin"]


@pytest.fixture
def shop(testapp, admin):
    """Makes the business's locations, products and movements through the API, as its admin."""
    return Shop(testapp, admin)


@pytest.fixture
def other_shop(testapp, factory):
    """A second business with inventory enabled, and its own shop."""
    caller = factory.caller(role="admin")
    factory.enable_modules(caller.business, "inventory")
    return Shop(testapp, caller)


@pytest.fixture
def stock_low_events(app):
    """The StockLow events published during the test."""
    seen = []
    app.registry.registerHandler(seen.append, (StockLow,))
    yield seen
    app.registry.unregisterHandler(seen.append, (StockLow,))


class Shop:
    def __init__(self, testapp, caller):
        self.testapp, self.caller = testapp, caller
        self._count = 0

    def _next(self):
        self._count += 1
        return self._count

    def post(self, path, body, status=201, caller=None):
        return self.testapp.post_json(API + path, body, headers=(caller or self.caller).headers,
                                      status=status).json

    def get(self, path, status=200, caller=None):
        url = path if path.startswith("/api/") else API + path
        return self.testapp.get(url, headers=(caller or self.caller).headers, status=status).json

    def location(self, name=None, timezone="Europe/Lisbon"):
        body = {"name": name or f"Branch {self._next()}", "timezone": timezone}
        return self.testapp.post_json("/api/locations", body, headers=self.caller.headers).json["data"]["id"]

    def category(self, name=None):
        return self.post("/categories", {"name": name or f"Category {self._next()}"})["data"]

    def product(self, **fields):
        number = self._next()
        body = {"name": f"Product {number}", "sku": f"SKU-{number}", "cost_price": "4.00", **fields}
        return self.post("/products", body)["data"]

    def supplier(self, **fields):
        return self.post("/suppliers", {"name": f"Supplier {self._next()}", **fields})["data"]

    def move(self, kind, product, status=201, caller=None, **fields):
        body = {"kind": kind, "product_id": product["id"] if isinstance(product, dict) else product, **fields}
        return self.post("/stock-movements", body, status=status, caller=caller)

    def receive(self, product, location, quantity, unit_cost=None):
        fields = {"location_id": location, "quantity": str(quantity)}
        if unit_cost is not None:
            fields["unit_cost"] = str(unit_cost)
        return self.move("receipt", product, **fields)["data"]

    def use(self, product, location, quantity, status=201, caller=None):
        return self.move("usage", product, status=status, caller=caller, location_id=location,
                         quantity=str(quantity))

    def level(self, product, location):
        """The quantity on hand at a location (``GET /stock``), as a Decimal; 0 without a level row."""
        rows = self.get(f"/stock?product_id={product['id']}&location_id={location}")["data"]
        return Decimal(rows[0]["quantity"]) if rows else Decimal("0")

    def product_now(self, product):
        return self.get(f"/products/{product['id']}")["data"]
