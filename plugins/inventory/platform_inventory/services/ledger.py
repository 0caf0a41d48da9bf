"""The stock ledger: append-only movements, levels that never go below zero, average costs.

Every movement of a product starts by locking the product's row
(``SELECT ... FOR UPDATE``): movements of one product are serialised, so the
values derived from its total stock — the weighted-average cost a receipt
recomputes, the difference a stocktake records, whether the stock has just
crossed its reorder point — are computed from a total no concurrent
transaction is changing. Several products are locked in id order. (SQLite begins every transaction ``IMMEDIATE``,
which serialises all writers anyway; the lock is for PostgreSQL.)

The guarantee "never below zero" does not rest on that lock but on the
level row itself, changed only by one atomic
``UPDATE ... SET quantity = quantity + :delta WHERE quantity + :delta >= 0
RETURNING quantity``: of concurrent movements the database lets through
exactly as many as the stock covers, on PostgreSQL (row lock, condition
re-checked) and on SQLite (one writer at a time) alike. The movement row
written beside it records the level it left, so the ledger always sums to
the level (``platform <ini> inventory verify`` proves it).

Costing is a weighted average per product across all locations (stock
moved between branches is the same stock at the same cost): each receipt
sets ``average = (on_hand_before × average + received × unit_cost) /
on_hand_after``, or the receipt's cost when there was nothing (or less than
nothing) on hand. Other movements take stock out or in at that average.
"""

import uuid
from decimal import Decimal

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from platform_core.db.tenancy import acting_user
from platform_core.errors import APIError, ValidationFailed
from platform_core.locations.models import Location
from platform_inventory.events import StockLow
from platform_inventory.models import Product, StockLevel, StockMovement

#: Quantities have three decimal places; SQLite computes in binary floats, so each new level is rounded.
PLACES = 3
QUANTITY_PLACES = Decimal("0.001")
AVERAGE_COST_PLACES = Decimal("0.0001")


class InsufficientStock(APIError):
    """The movement would take a tracked product below zero at a location."""

    status, code, message = 409, "insufficient_stock", "Not enough stock"


def quantity_text(value):
    """``Decimal("3.500")`` as people write it: ``3.5``."""
    return format(value.normalize(), "f") if value else "0"


class StockLedger:
    """Records movements for one request (or command), in its transaction."""

    def __init__(self, request):
        self.request = request
        self.db = request.dbsession

    # -- what the API and other services call --------------------------------------------

    def record(self, kind, product_id, location_id=None, from_location_id=None, to_location_id=None,
               quantity=None, counted_quantity=None, unit_cost=None, reason="", source_type=None,
               source_id=None):
        """Record one movement of the API's kinds; the ledger rows written (two for a transfer)."""
        product = self.lock_product(product_id)
        source = {"source_type": source_type, "source_id": source_id}
        if kind == "transfer":
            origin = self.location(from_location_id, "from_location_id")
            destination = self.location(to_location_id, "to_location_id")
            return self.transfer(product, origin, destination, quantity, reason, **source)
        location = self.location(location_id, "location_id")
        if kind == "receipt":
            return [self.receive(product, location, quantity, unit_cost, reason, **source)]
        if kind == "stocktake":
            return [self.count(product, location, counted_quantity, reason, **source)]
        delta = quantity if kind == "adjustment" else -quantity
        return [self.post(product, location, kind, delta, reason=reason, **source)]

    def receive(self, product, location, quantity, unit_cost=None, reason="", **source):
        """Goods in at a purchase cost (the product's cost price by default); the average cost follows."""
        unit_cost = product.cost_price if unit_cost is None else unit_cost
        movement = self.post(product, location, "receipt", quantity, unit_cost=unit_cost, reason=reason, **source)
        after = self.on_hand(product.id)
        before = after - quantity
        if before <= 0:
            average = Decimal(unit_cost)
        else:
            average = (before * product.average_cost + quantity * unit_cost) / after
        self._set_average_cost(product, average.quantize(AVERAGE_COST_PLACES))
        return movement

    def transfer(self, product, origin, destination, quantity, reason="", **source):
        """Move stock between two locations: both legs or neither, sharing a ``transfer_id``.

        The total does not change, so no reorder point can be crossed.
        """
        legs = {"transfer_id": uuid.uuid4(), "reason": reason, **source}
        out = self._move(product, origin, "transfer", -quantity, counterpart_location_id=destination.id, **legs)
        into = self._move(product, destination, "transfer", quantity, counterpart_location_id=origin.id, **legs)
        self.db.flush()
        return [out, into]

    def count(self, product, location, counted, reason="", **source):
        """A stocktake: the level becomes what was counted; the difference is the movement."""
        level_id = self._level_id(product, location.id)
        current = self.db.scalar(select(StockLevel.quantity).where(StockLevel.id == level_id))
        return self.post(product, location, "stocktake", counted - current, counted_quantity=counted,
                         reason=reason or "Stocktake", **source)

    def post(self, product, location, kind, delta, **fields):
        """One ledger row changing the level by ``delta`` (signed); refused below zero when guarded."""
        movement = self._move(product, location, kind, delta, **fields)
        self.db.flush()
        self._watch_reorder_point(product, movement)
        return movement

    # -- building blocks --------------------------------------------------------------------

    def lock_product(self, product_id, field="product_id"):
        """The product, its row locked until the transaction ends; a field error if not in the business.

        ``FOR NO KEY UPDATE`` on PostgreSQL: it serialises the product's
        movements without blocking rows that merely refer to the product.
        """
        product = self.db.scalars(
            select(Product).where(Product.id == product_id).with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        ).first()
        if product is None:
            raise ValidationFailed.field(field, "No such object")
        return product

    def lock_products(self, product_ids):
        """Several products locked in id order (one order for everyone: no deadlocks)."""
        return {product_id: self.lock_product(product_id) for product_id in sorted(set(product_ids))}

    def location(self, location_id, field="location_id"):
        location = self.db.get(Location, location_id) if location_id is not None else None
        if location is None:
            raise ValidationFailed.field(field, "No such object")
        return location

    def on_hand(self, product_id):
        """Total stock of a product across locations (from the levels, not the ledger)."""
        return self.db.scalar(
            select(func.coalesce(func.sum(StockLevel.quantity), 0)).where(StockLevel.product_id == product_id)
        )

    def _move(self, product, location, kind, delta, **fields):
        level_id = self._level_id(product, location.id)
        new_level = func.round(StockLevel.quantity + delta, PLACES)
        statement = update(StockLevel).where(StockLevel.id == level_id)
        if product.track_stock and not product.allow_negative_stock:
            statement = statement.where(new_level >= 0)
        now = self.request.clock.now()
        after = self.db.scalar(
            statement.values(quantity=new_level, updated_at=now).returning(StockLevel.quantity)
            .execution_options(synchronize_session=False)
        )
        if after is None:
            available = quantity_text(self.db.scalar(select(StockLevel.quantity).where(StockLevel.id == level_id)))
            message = f"Only {available} {product.unit} of {product.name} in stock at {location.name}"
            raise InsufficientStock(message, errors={"quantity": [message]})
        # Shown as stored: quantities with three places, costs with four.
        fields["unit_cost"] = Decimal(fields.get("unit_cost", product.average_cost)).quantize(AVERAGE_COST_PLACES)
        movement = StockMovement(product_id=product.id, location_id=location.id, kind=kind,
                                 quantity=Decimal(delta).quantize(QUANTITY_PLACES), quantity_after=after, at=now,
                                 **fields)
        self.db.add(movement)
        return movement

    def _level_id(self, product, location_id):
        """The level row of a product at a location, created at zero on first use (safely, if raced)."""
        found = select(StockLevel.id).where(StockLevel.product_id == product.id,
                                            StockLevel.location_id == location_id)
        level_id = self.db.scalar(found)
        if level_id is not None:
            return level_id
        try:
            with self.db.begin_nested():
                self.db.execute(insert(StockLevel).values(
                    id=uuid.uuid4(), business_id=product.business_id, product_id=product.id,
                    location_id=location_id, quantity=0, updated_at=self.request.clock.now()))
        except IntegrityError:
            pass  # another transaction made it first: use theirs
        return self.db.scalar(found)

    def _set_average_cost(self, product, average):
        # A bulk UPDATE, not an attribute change: the average is derived from the ledger (the receipt
        # row records the cost that moved it), so it stays out of the catalogue's audit trail and
        # leaves the product's "last edited" untouched.
        self.db.execute(
            update(Product).where(Product.id == product.id)
            .values(average_cost=average, updated_at=Product.updated_at)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(product, "average_cost", average)

    def _watch_reorder_point(self, product, movement):
        """Publish :class:`StockLow` when this movement took the total from above the point to at or below."""
        point = product.reorder_point
        if movement.quantity >= 0 or point is None or not (product.track_stock and product.active):
            return
        after = self.on_hand(product.id)
        if after - movement.quantity > point >= after:
            self.request.registry.notify(StockLow(
                self.request, product.business_id, acting_user(self.db), product.id, movement.location_id,
                after, point, movement.id))
