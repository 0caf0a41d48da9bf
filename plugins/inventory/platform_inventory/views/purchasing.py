"""Purchasing routes: purchase orders, their transitions, and reorder suggestions."""

import colander

from platform_core.envelope import ok
from platform_core.listing import ListSpec
from platform_core.lookup import path_uuid
from platform_core.openapi import api_doc
from platform_core.resources import StandardResource, response_schema
from platform_core.rest import api_service
from platform_core.validation import request_schema
from platform_inventory import schemas
from platform_inventory.models import PurchaseOrder, Supplier
from platform_inventory.services import purchasing

TAGS = ["inventory"]


class PurchaseOrderResource(StandardResource):
    """Purchase orders; only drafts can be changed, and lines come and go with their order."""

    model = PurchaseOrder
    collection = "purchase-orders"
    permission_prefix = "inventory.purchase_orders"
    schema = schemas.PurchaseOrderSchema()
    read_only_schema = schemas.PurchaseOrderReadOnly()
    listing = ListSpec(ordering=("created_at", "ordered_at", "expected_at", "status"), default_ordering="-created_at",
                       search=("reference", "notes"), filters=("status", "supplier_id", "expected_at", "created_at"),
                       ranges=("expected_at", "created_at"))
    references = {"supplier_id": Supplier}
    title = "Purchase order"
    tags = TAGS

    def update(self):
        purchasing.ensure_editable(self.load())
        return super().update()

    def delete(self):
        purchasing.ensure_deletable(self.load())
        return super().delete()

    def apply(self, obj, values):
        lines = values.pop("lines", None)
        super().apply(obj, values)
        if lines is not None:
            purchasing.set_lines(self.db, obj, lines)

    def serialize(self, obj):
        data = super().serialize(obj)
        data["lines"] = [
            {"id": line.id, "product_id": line.product_id, "quantity": line.quantity, "unit_cost": line.unit_cost,
             "received_quantity": line.received_quantity}
            for line in obj.lines
        ]
        return data


ORDER = response_schema(schemas.PurchaseOrderSchema(), "PurchaseOrderItem", schemas.PurchaseOrderReadOnly())

place = api_service("inventory.purchase_orders.order", "/purchase-orders/{id}/order")
cancel = api_service("inventory.purchase_orders.cancel", "/purchase-orders/{id}/cancel")
receive = api_service("inventory.purchase_orders.receive", "/purchase-orders/{id}/receive")
suggestions = api_service("inventory.reorder_suggestions", "/reorder-suggestions")


@place.post(permission="inventory.purchase_orders.order")
@api_doc(response=ORDER, tags=TAGS, errors=["conflict"])
def order_view(request):
    """Send a draft order to its supplier (draft → ordered); it can no longer be changed."""
    order = purchasing.place_order(request, _order_id(request))
    return ok(PurchaseOrderResource(request).serialize(order), "Purchase order placed")


@cancel.post(permission="inventory.purchase_orders.cancel")
@api_doc(response=ORDER, tags=TAGS, errors=["conflict"])
def cancel_view(request):
    """Cancel a draft or ordered purchase order (nothing of it has arrived)."""
    order = purchasing.cancel_order(request, _order_id(request))
    return ok(PurchaseOrderResource(request).serialize(order), "Purchase order cancelled")


@receive.post(permission="inventory.purchase_orders.receive", schema=request_schema(body=schemas.ReceiveBody))
@api_doc(response=ORDER, tags=TAGS, errors=["conflict"])
def receive_view(request):
    """Book what arrived at a location, line by line, perhaps partially.

    Each line received becomes a receipt movement at the line's unit cost,
    which moves the product's average cost. Receiving more than a line has
    left is refused (409, naming the line) and nothing is booked.
    """
    body = request.validated["body"]
    order = purchasing.receive_order(request, _order_id(request), body["location_id"], body["lines"])
    return ok(PurchaseOrderResource(request).serialize(order), "Goods received")


class SuggestionLine(colander.MappingSchema):
    product_id = colander.SchemaNode(colander.String())
    name = colander.SchemaNode(colander.String())
    sku = colander.SchemaNode(colander.String())
    supplier_sku = colander.SchemaNode(colander.String(), missing=None)
    on_hand = colander.SchemaNode(colander.Decimal())
    on_order = colander.SchemaNode(colander.Decimal(), description="ordered and not yet received")
    reorder_point = colander.SchemaNode(colander.Decimal())
    reorder_quantity = colander.SchemaNode(colander.Decimal())
    suggested_quantity = colander.SchemaNode(colander.Decimal())
    unit_cost = colander.SchemaNode(colander.Decimal(), description="the supplier's cost")
    line_total = colander.SchemaNode(colander.Decimal())


class SuggestionLines(colander.SequenceSchema):
    line = SuggestionLine()


class SupplierSuggestion(colander.MappingSchema):
    supplier = colander.SchemaNode(colander.Mapping(unknown="preserve"), missing=None,
                                   description="id, name, currency, lead_time_days, email; null: no supplier")
    lines = SuggestionLines()
    total = colander.SchemaNode(colander.Decimal())


class SupplierSuggestions(colander.SequenceSchema):
    group = SupplierSuggestion()


@suggestions.get(permission="inventory.reorder_suggestions.view")
@api_doc(response=SupplierSuggestions(), tags=TAGS)
def suggestions_view(request):
    """What to order, per supplier: products at or below their reorder point and how many of each.

    The quantity is the product's reorder quantity, or the shortfall to its
    reorder point when that is more, less what is already on order; each
    product is under its cheapest supplier, at that supplier's cost.
    """
    return ok(purchasing.reorder_suggestions(request.dbsession))


def _order_id(request):
    return path_uuid(request, "purchase order")
