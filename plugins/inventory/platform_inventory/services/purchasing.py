"""Purchase orders and what to order next.

An order is edited only as a ``draft``; ``order`` sends it (``ordered``);
``receive`` books what arrived at a location as receipt movements (which
move the average costs) and makes it ``partially_received`` or
``received``; ``cancel`` is possible while nothing has arrived. Every
transition locks the order's row first, so two receptions of one order
cannot both take the last units of a line.
"""

from decimal import Decimal

from sqlalchemy import func, select

from platform_core.errors import Conflict, NotFound, ValidationFailed
from platform_inventory.models import Product, PurchaseOrder, PurchaseOrderLine, Supplier, SupplierProduct
from platform_inventory.services.ledger import StockLedger, quantity_text
from platform_inventory.services.reports import low_stock_products, on_hand_totals

#: verb -> (states it may start from, state it leads to; None: decided by what arrived)
TRANSITIONS = {
    "order": (("draft",), "ordered"),
    "cancel": (("draft", "ordered"), "cancelled"),
    "receive": (("ordered", "partially_received"), None),
}
#: States whose unreceived quantities are on their way.
OPEN_STATES = ("ordered", "partially_received")


def set_lines(db, order, lines):
    """Replace a draft's lines; a line's unit cost defaults to the supplier's, else the product's cost price."""
    errors = {}
    products = {}
    for index, line in enumerate(lines):
        product = db.get(Product, line["product_id"])
        if product is None:
            errors[f"lines.{index}.product_id"] = ["No such object"]
        products[line["product_id"]] = product
    if errors:
        raise ValidationFailed(errors=errors)
    offers = dict(db.execute(
        select(SupplierProduct.product_id, SupplierProduct.cost)
        .where(SupplierProduct.supplier_id == order.supplier_id, SupplierProduct.product_id.in_(products))
    ).all()) if products else {}
    order.lines = [
        PurchaseOrderLine(
            position=index, product_id=line["product_id"], quantity=line["quantity"],
            unit_cost=line["unit_cost"] if line.get("unit_cost") is not None
            else offers.get(line["product_id"], products[line["product_id"]].cost_price),
        )
        for index, line in enumerate(lines)
    ]


def ensure_editable(order):
    """Only drafts change: what was sent to a supplier stays as sent."""
    if order.status != "draft":
        message = f"The purchase order is {order.status}; only draft orders can be changed"
        raise Conflict(message, errors={"status": [message]})


def ensure_deletable(order):
    """A draft or a cancelled order may go; one with goods on their way or received stays on record."""
    if order.status not in ("draft", "cancelled"):
        message = f"The purchase order is {order.status}; only draft or cancelled orders can be deleted"
        raise Conflict(message, errors={"status": [message]})


def lock_order(db, order_id):
    order = db.scalars(
        select(PurchaseOrder).where(PurchaseOrder.id == order_id).with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).first()
    if order is None:
        raise NotFound("No such purchase order")
    return order


def _transition(order, verb):
    allowed, _ = TRANSITIONS[verb]
    if order.status not in allowed:
        message = f"Cannot {verb} a purchase order that is {order.status}"
        raise Conflict(message, errors={"status": [f"{order.status} -> {verb} is not a transition"]})


def place_order(request, order_id):
    """Send a draft to the supplier: from now on it cannot change."""
    order = lock_order(request.dbsession, order_id)
    _transition(order, "order")
    if not order.lines:
        raise Conflict("An order needs at least one line", errors={"lines": ["Add a line before ordering"]})
    order.status, order.ordered_at = "ordered", request.clock.now()
    request.dbsession.flush()
    return order


def cancel_order(request, order_id):
    """Call off an order before anything of it has arrived."""
    order = lock_order(request.dbsession, order_id)
    _transition(order, "cancel")
    order.status, order.cancelled_at = "cancelled", request.clock.now()
    request.dbsession.flush()
    return order


def receive_order(request, order_id, location_id, items):
    """Book goods that arrived at ``location_id``: ``items`` are ``{line_id, quantity}``, perhaps partial.

    Each becomes a receipt movement at the line's unit cost (moving the
    product's average cost). More than a line has left to receive refuses
    the whole reception, naming the line.
    """
    db = request.dbsession
    order = lock_order(db, order_id)
    _transition(order, "receive")
    ledger = StockLedger(request)
    location = ledger.location(location_id, "location_id")
    lines = {line.id: line for line in order.lines}
    unknown, seen = {}, set()
    for index, item in enumerate(items):
        if item["line_id"] not in lines:
            unknown[f"lines.{index}.line_id"] = ["No such line on this order"]
        elif item["line_id"] in seen:
            unknown[f"lines.{index}.line_id"] = ["The line is listed twice"]
        seen.add(item["line_id"])
    if unknown:
        raise ValidationFailed(errors=unknown)
    over = {}
    for index, item in enumerate(items):
        line = lines[item["line_id"]]
        left = line.quantity - line.received_quantity
        if item["quantity"] > left:
            over[f"lines.{index}.quantity"] = [f"Line {line.id} has only {quantity_text(left)} left to receive"]
    if over:
        raise Conflict("That is more than was ordered", errors=over)
    products = ledger.lock_products(lines[item["line_id"]].product_id for item in items)
    for item in items:
        line = lines[item["line_id"]]
        line.received_quantity += item["quantity"]
        ledger.receive(products[line.product_id], location, item["quantity"], line.unit_cost,
                       reason=f"Purchase order {order.reference}".strip(), source_type="purchase_order",
                       source_id=str(order.id))
    complete = all(line.received_quantity >= line.quantity for line in order.lines)
    order.status = "received" if complete else "partially_received"
    if complete:
        order.received_at = request.clock.now()
    db.flush()
    return order


def on_order_totals(db, product_ids):
    """``{product_id: quantity}`` ordered from suppliers and not yet received."""
    if not product_ids:
        return {}
    rows = db.execute(
        select(PurchaseOrderLine.product_id,
               func.sum(PurchaseOrderLine.quantity - PurchaseOrderLine.received_quantity))
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(PurchaseOrder.status.in_(OPEN_STATES), PurchaseOrderLine.product_id.in_(product_ids))
        .group_by(PurchaseOrderLine.product_id)
    ).all()
    return {product_id: Decimal(quantity).quantize(Decimal("0.001")) for product_id, quantity in rows}


def reorder_suggestions(db):
    """What to order, per supplier: every low product under its cheapest supplier.

    A product is low when its total stock is at or below its reorder point
    (see :func:`reports.low_stock_products`). The suggestion is its reorder
    quantity, or the shortfall to its reorder point when that is more, less
    what is already on order (never below zero). The supplier is the one
    offering it cheapest (then the shortest lead time); a product nobody
    supplies is listed under ``supplier: null`` at its cost price.
    """
    products = db.scalars(low_stock_products()).all()
    ids = [product.id for product in products]
    on_hand = on_hand_totals(db, ids)
    on_order = on_order_totals(db, ids)
    offers = {}
    if ids:
        rows = db.execute(
            select(SupplierProduct, Supplier).join(Supplier, Supplier.id == SupplierProduct.supplier_id)
            .where(SupplierProduct.product_id.in_(ids))
            .order_by(SupplierProduct.cost, Supplier.lead_time_days, Supplier.name)
        ).all()
        for offer, supplier in rows:
            offers.setdefault(offer.product_id, (offer, supplier))
    groups = {}
    for product in products:
        offer, supplier = offers.get(product.id, (None, None))
        have = on_hand.get(product.id, Decimal("0"))
        needed = max(product.reorder_quantity, product.reorder_point - have)
        suggested = max(needed - on_order.get(product.id, Decimal("0")), Decimal("0"))
        unit_cost = offer.cost if offer else product.cost_price
        group = groups.setdefault(supplier.id if supplier else None, {
            "supplier": _supplier_summary(supplier), "lines": [], "total": Decimal("0.00")})
        group["lines"].append({
            "product_id": product.id, "name": product.name, "sku": product.sku,
            "supplier_sku": offer.supplier_sku if offer else None, "unit": product.unit,
            "on_hand": have, "on_order": on_order.get(product.id, Decimal("0.000")),
            "reorder_point": product.reorder_point, "reorder_quantity": product.reorder_quantity,
            "suggested_quantity": suggested, "unit_cost": unit_cost,
            "line_total": (suggested * unit_cost).quantize(Decimal("0.01")),
        })
        group["total"] += group["lines"][-1]["line_total"]
    return sorted(groups.values(), key=lambda g: (g["supplier"] is None, (g["supplier"] or {}).get("name", "")))


def _supplier_summary(supplier):
    if supplier is None:
        return None
    return {"id": supplier.id, "name": supplier.name, "currency": supplier.currency,
            "lead_time_days": supplier.lead_time_days, "email": supplier.email}
