"""The catalogue's rules: a new product's starting cost, CSV import and export."""

from decimal import Decimal

from sqlalchemy import select

from platform_core.csvio import validate_rows
from platform_inventory.models import Category, Product
from platform_inventory.schemas import ProductImportRow

#: Columns of the CSV export; an exported file imports again (``id`` and the computed columns are ignored).
EXPORT_COLUMNS = ("id", "name", "sku", "barcode", "category", "unit", "cost_price", "sale_price", "tax_rate",
                  "track_stock", "reorder_point", "reorder_quantity", "allow_negative_stock", "active",
                  "average_cost", "created_at")


def opening_average_cost(cost_price):
    """A new product is valued at its cost price until its first receipt sets a real average."""
    return Decimal(cost_price or 0).quantize(Decimal("0.0001"))


def validate_import(db, rows):
    """The values of every row of an uploaded file, or one error naming every bad row.

    Columns are the product fields, with ``category`` holding a category's
    name. A SKU already used in the business, or earlier in the file, is an
    error of its row: nothing is imported unless every row is good.
    """
    check = _ImportCheck(db)
    return [check.resolved(values) for values in validate_rows(ProductImportRow(), rows, check=check.problems)]


class _ImportCheck:
    """SKUs taken (in the business or earlier in the file) and category names, for row checks."""

    def __init__(self, db):
        self.db = db
        self.skus = set(db.scalars(select(Product.sku)))
        self.categories = {name.lower(): id_ for id_, name in db.execute(select(Category.id, Category.name))}

    def problems(self, values):
        found = []
        name = values.get("category")
        if name and name.lower() not in self.categories:
            found.append(f"category: No category named {name!r}")
        if values.get("category_id") is not None and values["category_id"] not in self.categories.values():
            found.append("category_id: No such object")
        if values["sku"] in self.skus:
            found.append("sku: Already used by another product")
        if not found:
            self.skus.add(values["sku"])
        return found

    def resolved(self, values):
        name = values.pop("category", None)
        if name:
            values["category_id"] = self.categories[name.lower()]
        return values


def export_rows(db, products):
    """Rows for :data:`EXPORT_COLUMNS`, the category by its name."""
    names = dict(db.execute(select(Category.id, Category.name)).all())
    for product in products:
        row = {column: getattr(product, column, None) for column in EXPORT_COLUMNS}
        row["category"] = names.get(product.category_id, "")
        yield row
