"""Request and response schemas of the inventory plugin."""

import decimal

import colander

from platform_core.resources import ListQuery
from platform_core.schemas import CurrencyCode, Money, PhoneNumber, StrictBoolean, UUIDString
from platform_inventory.models import MOVEMENT_KINDS, PO_STATES

#: The largest quantity one request may move: far beyond a salon, far below the column's limit.
MAX_QUANTITY = decimal.Decimal("1000000")


class ExactDecimal(colander.Decimal):
    """A decimal string in and out with at most ``places`` decimal places, never a float.

    The kit's :class:`~platform_core.schemas.Money` is this with two places;
    quantities need three (half a bottle, 12.5 ml), so more places are a
    field error rather than a silent rounding here too.
    """

    def __init__(self, places):
        self.places = places
        super().__init__(quant=str(decimal.Decimal(1).scaleb(-places)), rounding=decimal.ROUND_HALF_EVEN,
                         normalize=False)

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, float):
            raise colander.Invalid(node, "Send decimals as strings such as \"0.5\"")
        value = super().deserialize(node, cstruct)
        if value is colander.null:
            return value
        if not value.is_finite():
            raise colander.Invalid(node, "Not a number")
        if decimal.Decimal(str(cstruct)).as_tuple().exponent < -self.places:
            raise colander.Invalid(node, f"At most {self.places} decimal places")
        return value


def Quantity(**kwargs):
    """A stock quantity node (three decimal places)."""
    kwargs.setdefault("validator", colander.Range(min=-MAX_QUANTITY, max=MAX_QUANTITY))
    return colander.SchemaNode(ExactDecimal(3), **kwargs)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _strip_or_none(value):
    value = _strip(value)
    return None if value == "" else value


def _lower_strip(value):
    value = _strip_or_none(value)
    return value.lower() if isinstance(value, str) else value


def _text(max_length, min_length=0, **kwargs):
    return colander.SchemaNode(colander.String(), validator=colander.Length(min=min_length, max=max_length),
                               preparer=_strip, **kwargs)


NOT_NEGATIVE = colander.Range(min=0)
POSITIVE = colander.Range(min=decimal.Decimal("0.001"), max=MAX_QUANTITY, min_err="Must be more than 0")


# -- catalogue ----------------------------------------------------------------------------


class CategorySchema(colander.MappingSchema):
    name = _text(100, 1)
    description = _text(500, missing="")


class ProductSchema(colander.MappingSchema):
    name = _text(200, 1)
    sku = _text(64, 1, description="unique within the business")
    barcode = colander.SchemaNode(colander.String(), validator=colander.Length(max=64), preparer=_strip_or_none,
                                  missing=None)
    category_id = colander.SchemaNode(UUIDString(), missing=None)
    unit = _text(20, 1, missing="unit", description="what one unit of quantity is: unit, bottle, ml...")
    cost_price = colander.SchemaNode(Money(), validator=NOT_NEGATIVE, missing="0.00")
    sale_price = colander.SchemaNode(Money(), validator=NOT_NEGATIVE, missing="0.00")
    tax_rate = colander.SchemaNode(ExactDecimal(2), validator=colander.Range(min=0, max=100), missing="0.00",
                                   description="a percentage: \"23.00\" is 23 %")
    track_stock = colander.SchemaNode(StrictBoolean(), missing=True,
                                      description="untracked products are never refused nor reported low")
    reorder_point = Quantity(validator=colander.Range(min=0, max=MAX_QUANTITY), missing=None,
                             description="total stock (all locations) at or below which the product is low")
    reorder_quantity = Quantity(validator=colander.Range(min=0, max=MAX_QUANTITY), missing="0")
    allow_negative_stock = colander.SchemaNode(StrictBoolean(), missing=False)
    active = colander.SchemaNode(StrictBoolean(), missing=True)


class ProductReadOnly(colander.MappingSchema):
    average_cost = colander.SchemaNode(colander.Decimal(), missing=None,
                                       description="weighted-average unit cost across locations, from receipts")


class ProductImportRow(ProductSchema):
    """A CSV row: the category is given by its name rather than its id."""

    category = _text(100, missing=None)


# -- suppliers ----------------------------------------------------------------------------


class SupplierSchema(colander.MappingSchema):
    name = _text(200, 1)
    contact_name = _text(200, missing="")
    email = colander.SchemaNode(colander.String(), validator=colander.All(colander.Length(max=254), colander.Email()),
                                preparer=_lower_strip, missing=None)
    phone = colander.SchemaNode(PhoneNumber(), missing=None, description="stored in E.164, e.g. +351912345678")
    lead_time_days = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=0, max=365), missing=0)
    payment_terms = _text(100, missing="", description="e.g. \"30 days net\"")
    currency = colander.SchemaNode(CurrencyCode(), missing=None,
                                   description="ISO 4217; the business's currency by default")


class SupplierProductSchema(colander.MappingSchema):
    supplier_id = colander.SchemaNode(UUIDString())
    product_id = colander.SchemaNode(UUIDString())
    supplier_sku = _text(64, missing="")
    cost = colander.SchemaNode(Money(), validator=NOT_NEGATIVE, description="the supplier's unit price")


# -- purchase orders ----------------------------------------------------------------------


class PurchaseOrderLineSchema(colander.MappingSchema):
    product_id = colander.SchemaNode(UUIDString())
    quantity = Quantity(validator=POSITIVE)
    unit_cost = colander.SchemaNode(Money(), validator=NOT_NEGATIVE, missing=None,
                                    description="the supplier's cost for the product by default")


class PurchaseOrderLines(colander.SequenceSchema):
    line = PurchaseOrderLineSchema()


class PurchaseOrderSchema(colander.MappingSchema):
    supplier_id = colander.SchemaNode(UUIDString())
    reference = _text(64, missing="")
    expected_at = colander.SchemaNode(colander.Date(), missing=None)
    notes = _text(2000, missing="")
    lines = PurchaseOrderLines(missing=(), validator=colander.Length(max=200))


class PurchaseOrderReadOnly(colander.MappingSchema):
    status = colander.SchemaNode(colander.String(), validator=colander.OneOf(PO_STATES))
    total = colander.SchemaNode(Money())
    ordered_at = colander.SchemaNode(colander.DateTime(), missing=None)
    received_at = colander.SchemaNode(colander.DateTime(), missing=None)
    cancelled_at = colander.SchemaNode(colander.DateTime(), missing=None)


class ReceiveLine(colander.MappingSchema):
    line_id = colander.SchemaNode(UUIDString())
    quantity = Quantity(validator=POSITIVE)


class ReceiveLines(colander.SequenceSchema):
    line = ReceiveLine()


class ReceiveBody(colander.MappingSchema):
    location_id = colander.SchemaNode(UUIDString(), description="where the goods arrived")
    lines = ReceiveLines(validator=colander.Length(min=1, max=200))


# -- the stock ledger ---------------------------------------------------------------------

#: What each kind needs besides ``product_id``.
KIND_FIELDS = {
    "receipt": ("location_id", "quantity"),
    "usage": ("location_id", "quantity"),
    "sale": ("location_id", "quantity"),
    "adjustment": ("location_id", "quantity", "reason"),
    "transfer": ("from_location_id", "to_location_id", "quantity"),
    "stocktake": ("location_id", "counted_quantity"),
}


def movement_rules(node, values):
    """Which fields a kind needs, and which it refuses: field errors, as the schema's own."""
    kind = values["kind"]
    article = "an" if kind[0] in "aeiou" else "a"
    errors = {name: f"Required for {article} {kind}" for name in KIND_FIELDS[kind]
              if values.get(name) in (None, "")}
    quantity = values.get("quantity")
    if quantity is not None and "quantity" not in errors:
        if kind == "stocktake":
            errors["quantity"] = "A stocktake takes counted_quantity, the quantity found"
        elif kind == "adjustment" and quantity == 0:
            errors["quantity"] = "Must not be 0"
        elif kind != "adjustment" and quantity <= 0:
            errors["quantity"] = "Must be more than 0 (only adjustments are signed)"
    if kind == "transfer":
        if values.get("location_id") is not None:
            errors["location_id"] = "A transfer takes from_location_id and to_location_id"
        if values.get("from_location_id") and values.get("from_location_id") == values.get("to_location_id"):
            errors["to_location_id"] = "Must differ from from_location_id"
    if values.get("unit_cost") is not None and kind != "receipt":
        errors["unit_cost"] = "Only receipts carry a unit cost"
    if errors:
        invalid = colander.Invalid(node)
        for name, message in errors.items():
            invalid[name] = message
        raise invalid


class MovementBody(colander.MappingSchema):
    """A movement to record. ``quantity`` is positive except for adjustments, which are signed."""

    kind = colander.SchemaNode(colander.String(), validator=colander.OneOf(MOVEMENT_KINDS))
    product_id = colander.SchemaNode(UUIDString())
    location_id = colander.SchemaNode(UUIDString(), missing=None, description="every kind but transfer")
    from_location_id = colander.SchemaNode(UUIDString(), missing=None, description="transfer")
    to_location_id = colander.SchemaNode(UUIDString(), missing=None, description="transfer")
    quantity = Quantity(missing=None, description="every kind but stocktake; signed for an adjustment")
    counted_quantity = Quantity(validator=colander.Range(min=0, max=MAX_QUANTITY), missing=None,
                                description="stocktake: the quantity found; the difference is recorded")
    unit_cost = colander.SchemaNode(Money(), validator=NOT_NEGATIVE, missing=None,
                                    description="receipt: the purchase cost (the product's cost price by default)")
    reason = _text(200, missing="", description="required for an adjustment")

    def validator(self, node, values):
        movement_rules(node, values)


class MovementSchema(colander.MappingSchema):
    """A row of the stock ledger."""

    product_id = colander.SchemaNode(colander.String())
    location_id = colander.SchemaNode(colander.String())
    kind = colander.SchemaNode(colander.String(), validator=colander.OneOf(MOVEMENT_KINDS))
    quantity = colander.SchemaNode(colander.Decimal(), description="signed: what it did to the level")
    quantity_after = colander.SchemaNode(colander.Decimal(), description="the level it left at the location")
    unit_cost = colander.SchemaNode(colander.Decimal(), missing=None)
    counted_quantity = colander.SchemaNode(colander.Decimal(), missing=None)
    reason = colander.SchemaNode(colander.String())
    transfer_id = colander.SchemaNode(colander.String(), missing=None)
    counterpart_location_id = colander.SchemaNode(colander.String(), missing=None)
    source_type = colander.SchemaNode(colander.String(), missing=None)
    source_id = colander.SchemaNode(colander.String(), missing=None)
    at = colander.SchemaNode(colander.DateTime())


def _without(schema, *names):
    """A copy of a query schema without parameters that mean nothing for a collection."""
    clone = schema.clone()
    for name in names:
        del clone[name]
    return clone


class MovementQuery(ListQuery):
    product_id = colander.SchemaNode(UUIDString(), missing=colander.drop)
    location_id = colander.SchemaNode(UUIDString(), missing=colander.drop)
    kind = colander.SchemaNode(colander.String(), validator=colander.OneOf(MOVEMENT_KINDS), missing=colander.drop)
    date_from = colander.SchemaNode(colander.Date(), missing=colander.drop,
                                    description="inclusive, in the location's timezone (the business's without one)")
    date_to = colander.SchemaNode(colander.Date(), missing=colander.drop, description="inclusive")


class StockQuery(ListQuery):
    product_id = colander.SchemaNode(UUIDString(), missing=colander.drop)
    location_id = colander.SchemaNode(UUIDString(), missing=colander.drop)


#: The ledger and the levels are never deleted, nor searched by text.
MOVEMENT_QUERY = _without(MovementQuery(), "include_deleted", "search")
STOCK_QUERY = _without(StockQuery(), "include_deleted", "search")


class LevelSchema(colander.MappingSchema):
    """Stock on hand of a product at a location."""

    id = colander.SchemaNode(colander.String())
    product_id = colander.SchemaNode(colander.String())
    location_id = colander.SchemaNode(colander.String())
    quantity = colander.SchemaNode(colander.Decimal())
    updated_at = colander.SchemaNode(colander.DateTime())


class LowStockQuery(ListQuery):
    category_id = colander.SchemaNode(UUIDString(), missing=colander.drop)


LOW_STOCK_QUERY = _without(LowStockQuery(), "include_deleted")
