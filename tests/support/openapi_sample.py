"""A plugin that exists only to be documented: the shapes the OpenAPI generator must cover.

Nested mappings, sequences, decimals, dates, path parameters (declared and
not), a paginated list, a 201, a plugin's own error code, a custom colander
type and a view without ``api_doc``. Included through ``platform.includes``,
so its paths carry the ``/api`` prefix themselves.
"""

import colander
from pyramid.security import NO_PERMISSION_REQUIRED

from platform_core.errors import Conflict
from platform_core.openapi import api_doc
from platform_core.rest import api_resource, api_service, view
from platform_core.validation import request_schema

TAGS = ["sample"]


class OrderLocked(Conflict):
    """The order was shipped and can no longer change."""

    code = "order_locked"


class Opaque(colander.SchemaType):
    """A custom type that says nothing about itself."""

    def serialize(self, node, appstruct):
        return appstruct

    def deserialize(self, node, cstruct):
        return cstruct


class Colour(colander.String):
    """A custom type that describes itself to the OpenAPI document."""

    __openapi__ = {"type": "string", "pattern": "^#[0-9a-f]{6}$"}


class AddressSchema(colander.MappingSchema):
    """Where an order is delivered."""

    street = colander.SchemaNode(colander.String())
    city = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=80))
    postcode = colander.SchemaNode(colander.String(), missing=colander.drop)


class LineSchema(colander.MappingSchema):
    sku = colander.SchemaNode(colander.String(), validator=colander.Regex(r"^[A-Z0-9-]+$"))
    quantity = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1, max=999))
    unit_price = colander.SchemaNode(
        colander.Decimal(), validator=colander.Range(min=0), description="Per unit"
    )


class LinesSchema(colander.SequenceSchema):
    line = LineSchema()
    validator = colander.Length(min=1)


class TagsSchema(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class OrderBody(colander.MappingSchema):
    customer_email = colander.SchemaNode(colander.String(), validator=colander.Email())
    status = colander.SchemaNode(
        colander.String(), validator=colander.OneOf(["draft", "placed"]), missing="draft"
    )
    delivery_date = colander.SchemaNode(colander.Date(), missing=None)
    delivery_window = colander.SchemaNode(colander.Time(), missing=colander.drop)
    address = AddressSchema()
    lines = LinesSchema()
    tags = TagsSchema(missing=colander.drop)
    gift = colander.SchemaNode(colander.Boolean(), missing=False)
    colour = colander.SchemaNode(Colour(), missing=colander.drop)
    extra = colander.SchemaNode(Opaque(), missing=colander.drop, description="Anything the client keeps")


class OrderSchema(colander.MappingSchema):
    id = colander.SchemaNode(colander.String())
    created_at = colander.SchemaNode(colander.DateTime())
    total = colander.SchemaNode(colander.Decimal())
    weight = colander.SchemaNode(colander.Float(), missing=colander.drop)
    address = AddressSchema()
    lines = LinesSchema()


class OrderQuery(colander.MappingSchema):
    search = colander.SchemaNode(colander.String(), missing=colander.drop, description="Text to look for")
    page = colander.SchemaNode(colander.Integer(), missing=1, validator=colander.Range(min=1))


class LinePath(colander.MappingSchema):
    id = colander.SchemaNode(colander.String(), description="The order")


@api_resource(name="sample.orders", collection_path="/api/sample/orders", path="/api/sample/orders/{id}")
class Orders:
    def __init__(self, request, context=None):
        self.request = request

    @view(permission="sample.orders.view", schema=request_schema(querystring=OrderQuery))
    @api_doc(response=OrderSchema(), paginated=True, tags=TAGS)
    def collection_get(self):
        """List the orders.

        Newest first.
        """

    @view(permission="sample.orders.create", schema=request_schema(body=OrderBody))
    @api_doc(response=OrderSchema(), status=201, tags=TAGS,
             errors=["conflict", "order_locked", (400, "otp_invalid")])
    def collection_post(self):
        """Place an order."""

    @view(permission="sample.orders.view")
    @api_doc(response=OrderSchema(), tags=TAGS)
    def get(self):
        """One order."""

    @view(permission="sample.orders.delete")
    def delete(self):
        """Forget an order (documented without ``api_doc``)."""


order_line = api_service("sample.orders.line", "/api/sample/orders/{id}/lines/{line:\\d+}",
                         description="One line of an order")


@order_line.get(permission=NO_PERMISSION_REQUIRED, schema=request_schema(path=LinePath))
@api_doc(response=LineSchema(), public=True, tags=TAGS)
def get_order_line(request):
    return {"data": None, "message": "OK", "meta": {}}


def includeme(config):
    config.scan(__name__)
