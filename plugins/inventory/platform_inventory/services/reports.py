"""What the stock is: totals, low stock and valuation, read from the levels (never the ledger)."""

from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import func, select

from platform_core.locations.models import Location
from platform_inventory.models import Product, StockLevel

CENT = Decimal("0.01")


def total_on_hand():
    """A product's total stock across locations, as a correlated subquery of ``Product``."""
    return func.coalesce(
        select(func.sum(StockLevel.quantity)).where(StockLevel.product_id == Product.id)
        .correlate(Product).scalar_subquery(), 0)


def low_stock_products():
    """Products watched for low stock (tracked, active, with a reorder point) at or below that point.

    The reorder point is per product and compared with the total across
    locations: purchasing is for the business, and a branch short of a
    product is first a question of a transfer.
    """
    return select(Product).where(
        Product.track_stock.is_(True), Product.active.is_(True), Product.reorder_point.is_not(None),
        total_on_hand() <= Product.reorder_point,
    )


def on_hand_totals(db, product_ids):
    """``{product_id: total quantity}`` for these products (absent: never stocked)."""
    if not product_ids:
        return {}
    rows = db.execute(
        select(StockLevel.product_id, func.sum(StockLevel.quantity))
        .where(StockLevel.product_id.in_(product_ids)).group_by(StockLevel.product_id)
    ).all()
    return dict(rows)


def levels_by_product(db, product_ids):
    """``{product_id: [{location_id, quantity}]}`` for these products."""
    found = defaultdict(list)
    if product_ids:
        rows = db.execute(
            select(StockLevel.product_id, StockLevel.location_id, StockLevel.quantity)
            .where(StockLevel.product_id.in_(product_ids)).order_by(StockLevel.location_id)
        ).all()
        for product_id, location_id, quantity in rows:
            found[product_id].append({"location_id": location_id, "quantity": quantity})
    return found


def valuation(db):
    """Stock value per location and in total: quantity × average cost, to the cent.

    Computed in Python from one row per level, so the arithmetic is exact
    decimal on SQLite too; each location's value is rounded and the total is
    the sum of those, so the table adds up. Deleted products are not counted.
    """
    rows = db.execute(
        select(StockLevel.location_id, StockLevel.quantity, Product.average_cost)
        .join(Product, Product.id == StockLevel.product_id)
        .where(StockLevel.quantity != 0)
    ).all()
    values = defaultdict(Decimal)
    for location_id, quantity, average_cost in rows:
        values[location_id] += quantity * average_cost
    locations = db.scalars(select(Location).order_by(Location.name)).all()
    result = [
        {"location_id": location.id, "name": location.name,
         "value": values.get(location.id, Decimal("0")).quantize(CENT, ROUND_HALF_EVEN)}
        for location in locations
    ]
    return {"locations": result, "total": sum((row["value"] for row in result), Decimal("0.00"))}
