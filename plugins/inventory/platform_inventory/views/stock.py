"""Stock routes: the append-only movement ledger, levels, low stock and valuation.

``/stock-movements`` offers only list, create and read: a ledger row is
never changed or removed (a mistake is corrected by an adjustment), so its
collection is not a standard resource and PATCH, PUT and DELETE answer 405.
"""


import colander

from platform_core.envelope import created, ok, paginated
from platform_core.errors import PermissionDenied
from platform_core.listing import ListSpec, list_page
from platform_core.openapi import api_doc
from platform_core.resources import StandardResource, response_schema
from platform_core.rest import api_service
from platform_core.schemas import Money
from platform_core.validation import request_schema
from platform_inventory import schemas
from platform_inventory.models import Product, StockLevel, StockMovement
from platform_inventory.services import reports
from platform_inventory.services.ledger import StockLedger

TAGS = ["inventory"]
MOVEMENT_LISTING = ListSpec(ordering=("at", "quantity"), default_ordering="-at",
                            filters=("product_id", "location_id", "kind", "transfer_id", "source_type", "source_id"),
                            date_field="at")
LEVEL_LISTING = ListSpec(ordering=("updated_at", "quantity"), default_ordering="-updated_at",
                         filters=("product_id", "location_id"))
LOW_STOCK_LISTING = ListSpec(ordering=("name", "sku"), default_ordering="name", search=("name", "sku", "barcode"),
                             filters=("category_id",))
#: The permission each kind of movement needs, beyond recording movements at all.
KIND_PERMISSIONS = {
    "receipt": "inventory.stock_movements.receive",
    "usage": "inventory.stock_movements.use",
    "sale": "inventory.stock_movements.use",
    "adjustment": "inventory.stock_movements.adjust",
    "transfer": "inventory.stock_movements.transfer",
    "stocktake": "inventory.stock_movements.count",
}


class MovementResource(StandardResource):
    """The ledger's rows as the kit reads and shows objects (its routes are the ones below, not the kit's)."""

    model = StockMovement
    schema = schemas.MovementSchema()
    title = "Stock movement"


MOVEMENT = response_schema(schemas.MovementSchema(), "StockMovement")

movements = api_service("inventory.stock_movements", "/stock-movements")
movement = api_service("inventory.stock_movements.item", "/stock-movements/{id}")
stock = api_service("inventory.stock", "/stock")
low_stock = api_service("inventory.low_stock", "/low-stock")
valuation = api_service("inventory.valuation", "/valuation")


@movements.get(permission="inventory.stock_movements.view", schema=request_schema(querystring=schemas.MOVEMENT_QUERY))
@api_doc(response=MOVEMENT, paginated=True, tags=TAGS)
def list_movements(request):
    """The stock ledger, newest first: filter by product, location, kind and dates (``date_from``, ``date_to``)."""
    resource = MovementResource(request)
    params = dict(request.GET)
    rows, page = list_page(request.dbsession, StockMovement, MOVEMENT_LISTING, params,
                           zone_name=resource.day_zone(params))
    return paginated([resource.serialize(row) for row in rows], **page)


@movements.post(permission="inventory.stock_movements.create", schema=request_schema(body=schemas.MovementBody))
@api_doc(response=MOVEMENT, status=201, tags=TAGS, errors=["insufficient_stock", "permission_denied"])
def record_movement(request):
    """Record a movement: receipt, usage, sale, adjustment, transfer or stocktake.

    ``data`` is the ledger row written (a transfer's outgoing leg);
    ``meta.movements`` lists every row written (both legs of a transfer).
    Agents record usage and sales; receipts, adjustments, transfers and
    stocktakes are for managers. A tracked product never goes below zero
    at a location (409 ``insufficient_stock``) unless it allows negative stock.
    """
    body = request.validated["body"]
    if not request.has_permission(KIND_PERMISSIONS[body["kind"]]):
        raise PermissionDenied(f"Your role cannot record a {body['kind']}")
    written = StockLedger(request).record(**body)
    resource = MovementResource(request)
    items = [resource.serialize(row) for row in written]
    answer = created(request, items[0], "Stock movement recorded")
    answer["meta"]["movements"] = items
    return answer


@movement.get(permission="inventory.stock_movements.view")
@api_doc(response=MOVEMENT, tags=TAGS)
def get_movement(request):
    """One row of the stock ledger."""
    resource = MovementResource(request)
    return ok(resource.serialize(resource.load()))


@stock.get(permission="inventory.stock.view", schema=request_schema(querystring=schemas.STOCK_QUERY))
@api_doc(response=schemas.LevelSchema(), paginated=True, tags=TAGS)
def stock_view(request):
    """Stock on hand per product and location, from the maintained levels (filter by product_id, location_id)."""
    rows, page = list_page(request.dbsession, StockLevel, LEVEL_LISTING, dict(request.GET))
    return paginated([{"id": level.id, "product_id": level.product_id, "location_id": level.location_id,
                       "quantity": level.quantity, "updated_at": level.updated_at} for level in rows], **page)


class LowStockItem(colander.MappingSchema):
    product_id = colander.SchemaNode(colander.String())
    name = colander.SchemaNode(colander.String())
    sku = colander.SchemaNode(colander.String())
    unit = colander.SchemaNode(colander.String())
    on_hand = colander.SchemaNode(colander.Decimal(), description="total across locations")
    reorder_point = colander.SchemaNode(colander.Decimal())
    reorder_quantity = colander.SchemaNode(colander.Decimal())


@low_stock.get(permission="inventory.low_stock.view", schema=request_schema(querystring=schemas.LOW_STOCK_QUERY))
@api_doc(response=LowStockItem(), paginated=True, tags=TAGS)
def low_stock_view(request):
    """Tracked, active products whose total stock is at or below their reorder point.

    Each carries ``locations``: its level at every location that has one.
    """
    db = request.dbsession
    rows, page = list_page(db, Product, LOW_STOCK_LISTING, dict(request.GET),
                           statement=reports.low_stock_products())
    ids = [product.id for product in rows]
    totals, levels = reports.on_hand_totals(db, ids), reports.levels_by_product(db, ids)
    return paginated([
        {"product_id": product.id, "name": product.name, "sku": product.sku, "unit": product.unit,
         "on_hand": totals.get(product.id, 0), "reorder_point": product.reorder_point,
         "reorder_quantity": product.reorder_quantity, "locations": levels.get(product.id, [])}
        for product in rows
    ], **page)


class LocationValue(colander.MappingSchema):
    location_id = colander.SchemaNode(colander.String())
    name = colander.SchemaNode(colander.String())
    value = colander.SchemaNode(Money())


class LocationValues(colander.SequenceSchema):
    location = LocationValue()


class Valuation(colander.MappingSchema):
    locations = LocationValues()
    total = colander.SchemaNode(Money())
    currency = colander.SchemaNode(colander.String())


@valuation.get(permission="inventory.valuation.view")
@api_doc(response=Valuation(), tags=TAGS)
def valuation_view(request):
    """What the stock is worth, per location and in total: quantity × weighted-average cost."""
    result = reports.valuation(request.dbsession)
    return ok({**result, "currency": request.membership.business.currency})


