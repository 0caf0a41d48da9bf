"""Catalogue routes: categories, products (with CSV import/export), suppliers and what they supply."""


from platform_core.csvio import csv_response, read_upload
from platform_core.envelope import created
from platform_core.listing import ListSpec, apply_ordering, narrowed
from platform_core.openapi import api_doc
from platform_core.resources import StandardResource
from platform_core.rest import api_service
from platform_inventory import schemas
from platform_inventory.models import Category, Product, Supplier, SupplierProduct
from platform_inventory.services import catalogue

TAGS = ["inventory"]
PRODUCT_LISTING = ListSpec(
    ordering=("created_at", "name", "sku", "cost_price", "sale_price"), default_ordering="-created_at",
    search=("name", "sku", "barcode"),
    filters=("category_id", "sku", "barcode", "unit", "active", "track_stock", "allow_negative_stock",
             "created_at"),
    ranges=("created_at",),
)


class CategoryResource(StandardResource):
    model = Category
    collection = "categories"
    permission_prefix = "inventory.categories"
    schema = schemas.CategorySchema()
    listing = ListSpec(ordering=("name", "created_at"), default_ordering="name", search=("name",))
    title = "Category"
    tags = TAGS


class ProductResource(StandardResource):
    model = Product
    collection = "products"
    permission_prefix = "inventory.products"
    schema = schemas.ProductSchema()
    read_only_schema = schemas.ProductReadOnly()
    listing = PRODUCT_LISTING
    references = {"category_id": Category}
    title = "Product"
    tags = TAGS

    def initial(self, values):
        values["average_cost"] = catalogue.opening_average_cost(values.get("cost_price"))
        return values


class SupplierResource(StandardResource):
    model = Supplier
    collection = "suppliers"
    permission_prefix = "inventory.suppliers"
    schema = schemas.SupplierSchema()
    listing = ListSpec(ordering=("name", "created_at", "lead_time_days"), default_ordering="name",
                       search=("name", "contact_name", "email", "phone"), filters=("currency",))
    title = "Supplier"
    tags = TAGS

    def prepare(self, values):
        if "currency" in values and values["currency"] is None:
            values["currency"] = self.request.membership.business.currency
        return values


class SupplierProductResource(StandardResource):
    model = SupplierProduct
    collection = "supplier-products"
    permission_prefix = "inventory.supplier_products"
    schema = schemas.SupplierProductSchema()
    listing = ListSpec(ordering=("created_at", "cost"), default_ordering="-created_at", search=("supplier_sku",),
                       filters=("supplier_id", "product_id"))
    references = {"supplier_id": Supplier, "product_id": Product}
    title = "Supplier product"
    tags = TAGS


import_products = api_service("inventory.products.import", "/products/import")
export_products = api_service("inventory.products.export", "/products/export")


@import_products.post(permission="inventory.products.import", content_type="multipart/form-data")
@api_doc(tags=TAGS)
def import_view(request):
    """Import products from a CSV file (multipart field ``file``); any bad row imports nothing.

    Columns: the product's fields (name, sku, barcode, unit, cost_price,
    sale_price, tax_rate, track_stock, reorder_point, reorder_quantity,
    allow_negative_stock, active) and ``category``, a category's name.
    Errors are keyed ``row <n>``, n being the line in the file (the header is line 1).
    """
    values = catalogue.validate_import(request.dbsession, read_upload(request))
    resource = ProductResource(request)
    for value in values:
        product = Product()
        resource.apply(product, resource.initial(value))
        request.dbsession.add(product)
    resource.flush()
    return created(request, {"imported": len(values)}, f"{len(values)} products imported")


@export_products.get(permission="inventory.products.export")
@api_doc(tags=TAGS)
def export_view(request):
    """The product list as CSV, with the list's filters, search and ordering."""
    params = dict(request.GET)
    statement = apply_ordering(narrowed(Product, PRODUCT_LISTING, params), Product, PRODUCT_LISTING, params)
    products = request.dbsession.scalars(statement)
    return csv_response("products.csv", catalogue.EXPORT_COLUMNS,
                        catalogue.export_rows(request.dbsession, products))
